// Starts `stringent lsp` for rule files. Everything the editor shows about the rules —
// diagnostics, hover, navigation, completion, formatting, test lenses — comes from the
// server, which runs the same checker and formatter as the command line.
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const command = vscode.workspace.getConfiguration('stringent').get<string>('server.path', 'stringent');
  const serverOptions: ServerOptions = { command, args: ['lsp'] };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'stringent' }],
    synchronize: {
      // Rule files changed outside the editor (a checkout, a script) are read again.
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.stringent'),
    },
  };
  client = new LanguageClient('stringent', 'stringent', serverOptions, clientOptions);
  context.subscriptions.push(client);
  await client.start();
}

export async function deactivate(): Promise<void> {
  if (client) {
    await client.stop();
  }
}
