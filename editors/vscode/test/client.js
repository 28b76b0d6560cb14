// A scripted LSP client: launches `stringent lsp` as the extension does, and checks that it
// initializes, publishes diagnostics for an opened state file and answers a hover on a rule.
// No network, no editor: `node test/client.js` (STRINGENT names the program to run; by
// default the workspace's debug build).
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const assert = require('assert');

const repo = path.resolve(__dirname, '..', '..', '..');
const program = process.env.STRINGENT || path.join(repo, 'target', 'debug', 'stringent');
const file = path.join(repo, 'rules', 'us-ny', 'new_york.stringent');
const uri = 'file://' + file;
const text = fs.readFileSync(file, 'utf8');

const server = spawn(program, ['lsp'], { cwd: repo, stdio: ['pipe', 'pipe', 'inherit'] });
let buffer = Buffer.alloc(0);
const waiting = new Map();
const notes = [];
let noteWaiter = null;

server.stdout.on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const end = buffer.indexOf('\r\n\r\n');
    if (end < 0) return;
    const header = buffer.subarray(0, end).toString();
    const length = Number(/Content-Length: (\d+)/i.exec(header)[1]);
    if (buffer.length < end + 4 + length) return;
    const message = JSON.parse(buffer.subarray(end + 4, end + 4 + length).toString());
    buffer = buffer.subarray(end + 4 + length);
    if (message.id !== undefined && waiting.has(message.id)) {
      waiting.get(message.id)(message);
      waiting.delete(message.id);
    } else if (message.method) {
      notes.push(message);
      if (noteWaiter) noteWaiter();
    }
  }
});

function send(message) {
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }));
  server.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
  server.stdin.write(body);
}

let nextId = 0;
function request(method, params) {
  const id = ++nextId;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    send({ id, method, params });
  });
}

async function diagnosticsFor(wanted) {
  for (;;) {
    const i = notes.findIndex((n) => n.method === 'textDocument/publishDiagnostics' && n.params.uri === wanted);
    if (i >= 0) return notes.splice(i, 1)[0].params.diagnostics;
    await new Promise((resolve) => { noteWaiter = resolve; });
  }
}

function positionOf(needle, offset) {
  const at = text.indexOf(needle) + offset;
  const before = text.slice(0, at);
  const line = before.split('\n').length - 1;
  return { line, character: at - (before.lastIndexOf('\n') + 1) };
}

async function main() {
  const timer = setTimeout(() => { console.error('timed out'); process.exit(1); }, 120000);
  const init = await request('initialize', { processId: process.pid, rootUri: 'file://' + repo, capabilities: {} });
  assert.strictEqual(init.result.capabilities.hoverProvider, true);
  assert.strictEqual(init.result.serverInfo.name, 'stringent');
  send({ method: 'initialized', params: {} });
  send({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'stringent', version: 1, text } } });
  assert.deepStrictEqual(await diagnosticsFor(uri), []);
  const hover = await request('textDocument/hover', { textDocument: { uri }, position: positionOf('rule ny.', 6) });
  const value = hover.result.contents.value;
  assert.match(value, /^\*\*rule `ny\./);
  assert.match(value, /cite: /);
  const unknown = await request('stringent/unknown', {});
  assert.strictEqual(unknown.error.code, -32601);
  await request('shutdown', null);
  send({ method: 'exit' });
  server.on('exit', (code) => {
    clearTimeout(timer);
    assert.strictEqual(code, 0);
    console.log('ok: initialize, diagnostics, hover, unknown method, shutdown');
  });
}

main().catch((e) => { console.error(e); process.exit(1); });
