//! Operator messages on standard error. Capped per second so a failing
//! store or webhook cannot flood the log; never given a client address.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

const MAX_PER_SECOND: u64 = 20;

static WINDOW: AtomicU64 = AtomicU64::new(0);
static COUNT: AtomicU64 = AtomicU64::new(0);
static SUPPRESSED: AtomicU64 = AtomicU64::new(0);

fn emit(level: &str, msg: &str) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    if WINDOW.swap(now, Ordering::Relaxed) == now {
        if COUNT.fetch_add(1, Ordering::Relaxed) >= MAX_PER_SECOND {
            SUPPRESSED.fetch_add(1, Ordering::Relaxed);
            return;
        }
    } else {
        COUNT.store(1, Ordering::Relaxed);
        let dropped = SUPPRESSED.swap(0, Ordering::Relaxed);
        if dropped > 0 {
            eprintln!("offsite serve: warning: {dropped} log lines suppressed");
        }
    }
    let ts = jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .unwrap_or_else(|_| jiff::Timestamp::now());
    eprintln!("{ts} offsite serve: {level}: {msg}");
}

pub(crate) fn error(msg: &str) {
    emit("error", msg);
}

pub(crate) fn warn(msg: &str) {
    emit("warning", msg);
}

pub(crate) fn info(msg: &str) {
    emit("info", msg);
}
