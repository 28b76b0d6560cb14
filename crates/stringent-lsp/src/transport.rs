//! JSON-RPC over stdio that survives a malformed message.
//!
//! `lsp-server`'s own stdio transport ends the connection on the first message that is not
//! valid JSON; an editor's stray byte would then take the server down. This reader answers
//! such a message with a JSON-RPC error (`-32700` parse error, `-32600` invalid request,
//! id `null`, as the JSON-RPC 2.0 specification says) and reads on. Messages that parse go
//! to the server as `lsp_server::Message`s through the usual `Connection`.

use lsp_server::{Connection, Message};
use std::io::{BufRead, Write};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// The largest message read: far above any rule file (16 MiB) in JSON.
const MAX_MESSAGE: usize = 64 * 1024 * 1024;

/// The threads behind a [`Connection`]; joined when the server is done.
pub struct Threads {
    reader: JoinHandle<()>,
    writer: JoinHandle<()>,
}

impl Threads {
    pub fn join(self) {
        // The reader may still be blocked on stdin after `exit`: it is not waited for.
        drop(self.reader);
        let _ = self.writer.join();
    }
}

/// A connection over this process's stdin and stdout.
pub fn stdio() -> std::io::Result<(Connection, Threads)> {
    let out = Arc::new(Mutex::new(std::io::stdout()));
    let (to_client, from_server) = crossbeam_channel::unbounded::<Message>();
    let (to_server, from_client) = crossbeam_channel::unbounded::<Message>();
    let writer_out = Arc::clone(&out);
    let writer = std::thread::Builder::new().name("lsp-writer".into()).spawn(move || {
        for message in from_server {
            let Ok(mut out) = writer_out.lock() else { return };
            if message.write(&mut *out).is_err() {
                return;
            }
        }
    })?;
    let reader = std::thread::Builder::new().name("lsp-reader".into()).spawn(move || {
        let stdin = std::io::stdin();
        let mut input = stdin.lock();
        loop {
            match read_frame(&mut input) {
                Frame::End => return,
                Frame::Broken(why) => write_error(&out, -32700, &why),
                Frame::Body(body) => match serde_json::from_slice::<serde_json::Value>(&body) {
                    Err(e) => write_error(&out, -32700, &format!("not JSON: {e}")),
                    // JSON-RPC 2.0: an id is a number, a string or null. Any other would be
                    // read as a notification (its id dropped) and the request never answered.
                    Ok(value)
                        if value.get("id").is_some_and(|id| !(id.is_number() || id.is_string() || id.is_null())) =>
                    {
                        write_error(&out, -32600, "the id of a request must be a number or a string")
                    }
                    Ok(value) => match serde_json::from_value::<Message>(value) {
                        Err(e) => write_error(&out, -32600, &format!("not a JSON-RPC message: {e}")),
                        Ok(message) => {
                            let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                            if to_server.send(message).is_err() || exit {
                                return;
                            }
                        }
                    },
                },
            }
        }
    })?;
    Ok((Connection { sender: to_client, receiver: from_client }, Threads { reader, writer }))
}

enum Frame {
    Body(Vec<u8>),
    /// A frame whose header could not be read; the reader has skipped past it.
    Broken(String),
    End,
}

/// One `Content-Length` framed message. A broken header is skipped up to the blank line
/// that ends it, so the next frame is read from its start.
fn read_frame(input: &mut impl BufRead) -> Frame {
    let mut length: Option<usize> = None;
    let mut broken: Option<String> = None;
    let mut line = Vec::new();
    loop {
        line.clear();
        match input.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return Frame::End,
            Ok(_) => {}
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if length.is_none() && broken.is_none() {
                // Blank lines between frames are tolerated.
                continue;
            }
            break;
        }
        match text.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<usize>() {
                    Ok(n) if n <= MAX_MESSAGE => length = Some(n),
                    _ => {
                        broken =
                            Some(format!("bad Content-Length `{}`: a body of 0 to {MAX_MESSAGE} bytes", value.trim()))
                    }
                }
            }
            Some(_) => {}
            None => broken = Some(format!("malformed header line `{text}`")),
        }
    }
    if let Some(why) = broken {
        return Frame::Broken(why);
    }
    let Some(length) = length else { return Frame::Broken("no Content-Length header".into()) };
    let mut body = vec![0; length];
    match input.read_exact(&mut body) {
        Ok(()) => Frame::Body(body),
        Err(_) => Frame::End,
    }
}

fn write_error(out: &Mutex<std::io::Stdout>, code: i32, message: &str) {
    let body = serde_json::json!({"jsonrpc": "2.0", "id": null, "error": {"code": code, "message": message}});
    let text = body.to_string();
    if let Ok(mut out) = out.lock() {
        let _ = write!(out, "Content-Length: {}\r\n\r\n{text}", text.len());
        let _ = out.flush();
    }
}
