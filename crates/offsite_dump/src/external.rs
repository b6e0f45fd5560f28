//! Decoding bzip2 with an external `lbzip2` process.
//!
//! lbzip2's decoder is about 20% faster per core than the Rust port of
//! libbzip2 this crate uses (measured on the benchmark dump:
//! `lbzip2 -dc -n 1` 8.0 s, the built-in decoder 9.5 s, C `bzip2 -dc`
//! 10.0 s), and it decodes every bzip2 file on all cores, multistream or
//! not. When it is installed, `offsite scan --dump` hands it the bytes
//! (`--bzip2-decoder`), the way ripgrep's `--search-zip` runs `gzip`.
//!
//! Three threads: one feeds the file to the child's stdin and counts the
//! compressed bytes (for progress and error offsets), one reads its stdout
//! into chunks, and the child itself. A failure (non-zero exit, I/O error)
//! arrives after the bytes decoded before it, like the built-in decoders'.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use crossbeam_channel::Sender;

use crate::source::{self, Chunk, Compression, Decoders, Input};

/// Decompressed bytes per chunk handed to the parser.
const CHUNK: usize = 1 << 20;
/// Compressed bytes per write to the child.
const FEED: usize = 1 << 18;

/// Finds `name` in the directories of `PATH`.
pub fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// Starts `program -d -c -n threads` on `input`; `Err` when it cannot be
/// started (the caller falls back to the built-in decoder).
pub(crate) fn spawn(input: Arc<dyn Input>, program: &Path, threads: usize) -> io::Result<Decoders> {
    let mut child = Command::new(program)
        .args(["-d", "-c", "-n", &threads.max(1).to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let (Some(stdin), Some(stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(io::Error::other("the decoder's pipes were not set up"));
    };
    let child = Arc::new(Mutex::new(child));
    let fed = Arc::new(AtomicU64::new(0));
    let name = program.file_name().map_or_else(
        || program.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let (tx, rx) = crossbeam_channel::bounded(8);
    let feeder = {
        let fed = Arc::clone(&fed);
        let input = Arc::clone(&input);
        std::thread::spawn(move || feed(&*input, stdin, &fed))
    };
    let stderr_reader = std::thread::spawn(move || {
        let mut text = String::new();
        // Only for the error message: a read error leaves it shorter.
        let _ = stderr.take(4096).read_to_string(&mut text);
        text
    });
    let reader = std::thread::spawn(move || {
        let (failure, next_seq, delivered) = read_output(stdout, &tx, &fed);
        let killed = failure == Outcome::ReceiverGone;
        let mut child = child.lock().unwrap_or_else(PoisonError::into_inner);
        if killed {
            // Nobody reads any more: stop the child so the feeder's writes
            // fail and every thread returns.
            let _ = child.kill();
        }
        let status = child.wait();
        drop(child);
        let _ = feeder.join();
        let message = stderr_reader.join().unwrap_or_default();
        if killed {
            return;
        }
        let error = match (failure, status) {
            (Outcome::Io(e), _) => Some(format!("reading {name}'s output: {e}")),
            (_, Err(e)) => Some(format!("waiting for {name}: {e}")),
            (_, Ok(status)) if !status.success() => Some(format!(
                "{name} failed ({status}): {}",
                message.trim().lines().next().unwrap_or("no message")
            )),
            _ => None,
        };
        if let Some(error) = error {
            // lbzip2 stops at the first damaged block, possibly before it
            // wrote the blocks ahead of it: read the file again with the
            // built-in decoder, from the byte where lbzip2's output ended,
            // so every page before the damage is kept and the damage gets
            // the built-in decoder's exact position.
            let note = format!("{error}; the built-in decoder then found: ");
            source::decode_sequential_from(
                input,
                Compression::Bzip2,
                &tx,
                next_seq,
                delivered,
                Some(&note),
            );
        }
    });
    Ok(Decoders {
        rx,
        handles: vec![reader],
    })
}

/// Writes the whole input to the child; stops quietly when the child goes
/// away (it reports its own error).
fn feed(input: &dyn Input, mut stdin: std::process::ChildStdin, fed: &AtomicU64) {
    let mut buf = vec![0; FEED];
    let mut offset = 0u64;
    loop {
        let n = match input.read_at(&mut buf, offset) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        if stdin.write_all(&buf[..n]).is_err() {
            return;
        }
        offset += n as u64;
        fed.store(offset, Ordering::Relaxed);
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Done,
    ReceiverGone,
    Io(String),
}

/// Reads the child's output into chunks numbered from 0; returns how it
/// ended, the next sequence number and the decompressed bytes sent.
fn read_output(
    mut stdout: std::process::ChildStdout,
    tx: &Sender<Chunk>,
    fed: &AtomicU64,
) -> (Outcome, u64, u64) {
    let mut seq = 0;
    let mut sent = 0u64;
    loop {
        let mut data = Vec::with_capacity(CHUNK);
        let result = (&mut stdout).take(CHUNK as u64).read_to_end(&mut data);
        let failed = result.err().map(|e| Outcome::Io(e.to_string()));
        if data.is_empty() {
            return (failed.unwrap_or(Outcome::Done), seq, sent);
        }
        sent += data.len() as u64;
        let chunk = Chunk {
            seq,
            data,
            stream: None,
            compressed_end: fed.load(Ordering::Relaxed),
            error: None,
            segment_start: false,
        };
        seq += 1;
        if tx.send(chunk).is_err() {
            return (Outcome::ReceiverGone, seq, sent);
        }
        if let Some(outcome) = failed {
            return (outcome, seq, sent);
        }
    }
}
