//! The stringent language server: `stringent lsp`.
//!
//! It works on one rules tree (the folder holding `vocabulary/` above the first rule file
//! opened, or under the editor's workspace folder), compiled in memory with
//! `stringent_compiler::compile_sources` from the files on disk overlaid by the open
//! documents. Every answer comes from the same parser, checker, resolver, test runner and
//! formatter as the command line, so the editor and `stringent check` never disagree.
//!
//! Nothing the client sends can bring the server down: malformed JSON-RPC is answered
//! with an error by the transport, an unknown method with `MethodNotFound`, bad parameters
//! with `InvalidParams`, a position the document does not have or a file outside the tree
//! with an empty answer.

mod features;
mod index;
mod text;
mod transport;
mod workspace;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use stringent_syntax::Date;
use workspace::{Analysis, Workspace};

pub use features::keywords;

/// Serve the protocol on stdin and stdout until the client says `exit`. `Err` says why the
/// connection could not be set up or was lost.
pub fn run_stdio(as_of: Date) -> Result<(), String> {
    let (connection, threads) = transport::stdio().map_err(|e| format!("cannot start the server: {e}"))?;
    let result = Server::new(as_of).serve(&connection);
    drop(connection);
    threads.join();
    result
}

/// The server's state between messages.
struct Server {
    as_of: Date,
    initialized: bool,
    shutting_down: bool,
    /// The rules root the client's workspace folder names, before any file is opened.
    hinted_root: Option<PathBuf>,
    workspace: Option<Workspace>,
    /// The last compile; `None` after an edit until it is compiled again.
    analysis: Option<Analysis>,
    /// What was last published for each file, so unchanged diagnostics are not sent again.
    published: BTreeMap<String, Value>,
    /// Files edited since the last compile: their diagnostics are published even if equal.
    touched: Vec<String>,
}

impl Server {
    fn new(as_of: Date) -> Server {
        Server {
            as_of,
            initialized: false,
            shutting_down: false,
            hinted_root: None,
            workspace: None,
            analysis: None,
            published: BTreeMap::new(),
            touched: Vec::new(),
        }
    }

    /// The input ended without `exit`: a clean end only after `shutdown`; otherwise the
    /// connection broke (the editor died), which the exit status says.
    fn input_ended(&self) -> Result<(), String> {
        if self.shutting_down { Ok(()) } else { Err("the input ended before `shutdown` and `exit`".into()) }
    }

    fn serve(&mut self, connection: &Connection) -> Result<(), String> {
        loop {
            // Edits are compiled once the client has nothing more queued: a burst of
            // keystrokes costs one compile, not one each.
            let message = if self.analysis.is_none() && self.workspace.is_some() {
                match connection.receiver.try_recv() {
                    Ok(m) => m,
                    Err(crossbeam_channel::TryRecvError::Empty) => {
                        self.recompile(connection);
                        continue;
                    }
                    Err(crossbeam_channel::TryRecvError::Disconnected) => return self.input_ended(),
                }
            } else {
                match connection.receiver.recv() {
                    Ok(m) => m,
                    Err(_) => return self.input_ended(),
                }
            };
            match message {
                Message::Request(req) => {
                    let response = self.request(connection, req);
                    if connection.sender.send(Message::Response(response)).is_err() {
                        return Err("the client went away".into());
                    }
                }
                Message::Notification(n) if n.method == "exit" => {
                    return if self.shutting_down { Ok(()) } else { Err("exit before shutdown".into()) };
                }
                Message::Notification(n) => self.notification(n),
                Message::Response(_) => {}
            }
        }
    }

    fn request(&mut self, connection: &Connection, req: Request) -> Response {
        let id = req.id.clone();
        if req.method == "initialize" {
            if self.initialized {
                return error(id, ErrorCode::InvalidRequest, "already initialized");
            }
            self.initialized = true;
            self.hinted_root = hinted_root(&req.params);
            return Response::new_ok(id, features::initialize_result());
        }
        if !self.initialized {
            return error(id, ErrorCode::ServerNotInitialized, "initialize first");
        }
        if self.shutting_down {
            return error(id, ErrorCode::InvalidRequest, "shutting down");
        }
        if req.method == "shutdown" {
            self.shutting_down = true;
            return Response::new_ok(id, Value::Null);
        }
        if !features::handles(&req.method) {
            return error(id, ErrorCode::MethodNotFound, &format!("unknown method `{}`", req.method));
        }
        if self.analysis.is_none() && self.workspace.is_some() {
            self.recompile(connection);
        }
        let (Some(ws), Some(analysis)) = (&self.workspace, &self.analysis) else {
            // No tree yet: nothing is known, which is an empty answer, not an error.
            return Response::new_ok(id, features::empty(&req.method));
        };
        match features::answer(ws, analysis, &req.method, req.params) {
            Ok(v) => {
                // A test run from its lens is reported where the author looks: a message.
                if let Some(summary) = v.get("summary").and_then(Value::as_str) {
                    let title = v.get("title").and_then(Value::as_str).unwrap_or_default();
                    let passed = v.get("passed").and_then(Value::as_bool).unwrap_or(false);
                    let params = serde_json::json!({"type": if passed { 3 } else { 1 }, "message": format!("{title}: {summary}")});
                    let _ = connection
                        .sender
                        .send(Message::Notification(Notification::new("window/showMessage".into(), params)));
                }
                Response::new_ok(id, v)
            }
            Err(why) => error(id, ErrorCode::InvalidParams, &why),
        }
    }

    fn notification(&mut self, n: Notification) {
        if !self.initialized {
            return;
        }
        let doc = |params: &Value| -> Option<(PathBuf, Option<String>)> {
            let doc = params.get("textDocument")?;
            let path = uri_to_path(doc.get("uri")?.as_str()?)?;
            let text = doc.get("text").and_then(Value::as_str).map(str::to_owned);
            Some((path, text))
        };
        match n.method.as_str() {
            "textDocument/didOpen" => {
                if let Some((path, Some(text))) = doc(&n.params) {
                    self.edit(&path, Some(text));
                }
            }
            "textDocument/didChange" => {
                let Some((path, _)) = doc(&n.params) else { return };
                // Full synchronisation: the last change holds the whole text.
                let text = n
                    .params
                    .get("contentChanges")
                    .and_then(Value::as_array)
                    .and_then(|c| c.last())
                    .and_then(|c| c.get("text"))
                    .and_then(Value::as_str);
                if let Some(text) = text {
                    self.edit(&path, Some(text.to_owned()));
                }
            }
            "textDocument/didClose" => {
                if let Some((path, _)) = doc(&n.params) {
                    self.edit(&path, None);
                }
            }
            "textDocument/didSave" => {
                if let (Some((path, _)), Some(ws)) = (doc(&n.params), &mut self.workspace)
                    && let Some(rel) = ws.relative(&path)
                {
                    ws.saved(&rel);
                }
            }
            "workspace/didChangeWatchedFiles" => {
                if let Some(ws) = &mut self.workspace {
                    ws.reload_disk();
                    self.analysis = None;
                }
            }
            _ => {}
        }
    }

    /// A document opened or changed (`Some` text) or closed (`None`).
    fn edit(&mut self, path: &Path, text: Option<String>) {
        if self.workspace.is_none() {
            let Some(root) = workspace::root_of(path).or_else(|| self.hinted_root.clone()) else { return };
            self.workspace = Some(Workspace::new(root, self.as_of));
        }
        let Some(ws) = &mut self.workspace else { return };
        // A file outside the tree is not ours: ignored, as the protocol allows.
        let Some(rel) = ws.relative(path) else { return };
        match text {
            Some(text) => ws.open(rel.clone(), text),
            None => ws.close(&rel),
        }
        self.touched.push(rel);
        self.analysis = None;
    }

    fn recompile(&mut self, connection: &Connection) {
        let Some(ws) = &mut self.workspace else { return };
        let analysis = ws.analyse();
        let mut by_file = features::diagnostics(ws, &analysis);
        let touched = std::mem::take(&mut self.touched);
        let files: Vec<String> =
            self.published.keys().cloned().chain(by_file.keys().cloned()).chain(touched.iter().cloned()).collect();
        for file in files.into_iter().collect::<std::collections::BTreeSet<_>>() {
            let diagnostics = by_file.remove(&file).unwrap_or(Value::Array(Vec::new()));
            let same = self.published.get(&file) == Some(&diagnostics);
            if same && !touched.contains(&file) {
                continue;
            }
            let uri = path_to_uri(&ws.path(&file));
            let params = serde_json::json!({"uri": uri, "diagnostics": diagnostics});
            let _ = connection
                .sender
                .send(Message::Notification(Notification::new("textDocument/publishDiagnostics".into(), params)));
            if diagnostics.as_array().is_some_and(Vec::is_empty) {
                self.published.remove(&file);
            } else {
                self.published.insert(file, diagnostics);
            }
        }
        self.analysis = Some(analysis);
    }
}

fn error(id: RequestId, code: ErrorCode, message: &str) -> Response {
    Response::new_err(id, code as i32, message.to_owned())
}

/// The rules root of the client's workspace folder: the folder itself if it holds
/// `vocabulary/`, else its `rules/` folder if that does.
fn hinted_root(params: &Value) -> Option<PathBuf> {
    let folder = params
        .get("workspaceFolders")
        .and_then(Value::as_array)
        .and_then(|f| f.first())
        .and_then(|f| f.get("uri"))
        .or_else(|| params.get("rootUri"))
        .and_then(Value::as_str)
        .and_then(uri_to_path)?;
    [folder.clone(), folder.join("rules")]
        .into_iter()
        .find(|p| p.join(stringent_compiler::discover::VOCABULARY_DIR).is_dir())
}

/// A `file:` URI's path, percent-decoded; `None` for another scheme or a URI that does not
/// decode to UTF-8.
pub(crate) fn uri_to_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let mut bytes = Vec::with_capacity(rest.len());
    let mut it = rest.bytes();
    while let Some(b) = it.next() {
        if b == b'%' {
            let hex = [it.next()?, it.next()?];
            let hex = std::str::from_utf8(&hex).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
        } else {
            bytes.push(b);
        }
    }
    let path = String::from_utf8(bytes).ok()?;
    Some(PathBuf::from(path))
}

/// The `file:` URI of a path, with everything but unreserved characters and `/`
/// percent-encoded.
pub(crate) fn path_to_uri(path: &Path) -> String {
    let mut out = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_round_trip() {
        let p = Path::new("/tmp/a b/ü.stringent");
        assert_eq!(uri_to_path(&path_to_uri(p)).as_deref(), Some(p));
        assert_eq!(uri_to_path("http://x/y"), None);
        assert_eq!(uri_to_path("file:///a%zz"), None);
    }
}
