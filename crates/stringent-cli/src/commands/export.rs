//! `stringent export`: compiled policies for other systems.

use super::{checked_for_writing, written};
use crate::{DiagFormat, TreeArgs};
use stringent_compiler::output::write_atomically;

pub(crate) fn opa(tree: &TreeArgs, out: &std::path::Path) -> u8 {
    let c = match checked_for_writing(tree, DiagFormat::Human) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let result = stringent_export::opa_bundle(&c.policies()).and_then(|bytes| {
        not_in_the_way(out)?;
        write_atomically(out, &bytes)
    });
    written(result, out, &format!("the OPA bundle {}", crate::output::shown(out)))
}

/// `out` may be written: nothing is there, or a regular file that is a bundle this command
/// wrote. Anything else — a rule file, someone's notes, a link, a directory — is someone's,
/// and is never replaced (a link is not followed either).
fn not_in_the_way(out: &std::path::Path) -> std::io::Result<()> {
    let in_the_way = |what: &str| {
        std::io::Error::other(format!(
            "it is in the way and was not written by stringent ({what}); move it away or choose another --out"
        ))
    };
    match std::fs::symlink_metadata(out) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
        Ok(meta) if meta.file_type().is_symlink() => Err(in_the_way("a symbolic link")),
        Ok(meta) if !meta.is_file() => Err(in_the_way("not a regular file")),
        Ok(_) => {
            let file = std::fs::File::open(out)?;
            if stringent_export::is_opa_bundle(std::io::BufReader::new(file)) {
                Ok(())
            } else {
                Err(in_the_way("not an OPA bundle"))
            }
        }
    }
}
