//! Protection of the report endpoint: a per-client token bucket keyed by a
//! keyed hash of the client address (the raw address is never stored or
//! logged), and a listener that caps open connections.

use std::collections::HashMap;
use std::future::Future as _;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::extract::connect_info::Connected;
use axum::http::HeaderMap;
use axum::serve::{IncomingStream, Listener};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config::RateLimitConfig;

/// How long one hashing key lives. After it, every client hash changes, so
/// the table cannot link a client across hours.
const KEY_LIFETIME: Duration = Duration::from_hours(1);

/// 32 bytes from the operating system, or (where there is no
/// `/dev/urandom`) from std's randomly seeded hasher mixed with the time.
pub(crate) fn random_key() -> [u8; 32] {
    use std::hash::{BuildHasher, Hasher};
    use std::io::Read as _;
    let mut key = [0u8; 32];
    if std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut key))
        .is_ok()
    {
        return key;
    }
    let mut h = Sha256::new();
    for _ in 0..4 {
        let mut std_hasher = std::collections::hash_map::RandomState::new().build_hasher();
        std_hasher.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        h.update(std_hasher.finish().to_le_bytes());
    }
    h.update(std::process::id().to_le_bytes());
    h.finalize().into()
}

/// HMAC-SHA-256 (RFC 2104) with a 32-byte key.
pub(crate) fn hmac_sha256(key: &[u8; 32], msg: &[u8]) -> [u8; 32] {
    let mut ipad = [0x36u8; 64];
    let mut opad = [0x5cu8; 64];
    for (i, k) in key.iter().enumerate() {
        ipad[i] ^= k;
        opad[i] ^= k;
    }
    let inner = Sha256::new()
        .chain_update(ipad)
        .chain_update(msg)
        .finalize();
    Sha256::new()
        .chain_update(opad)
        .chain_update(inner)
        .finalize()
        .into()
}

/// Constant-time equality of two secrets: compares their SHA-256 digests so
/// neither the length nor the first differing byte shows in the timing.
pub(crate) fn secret_eq(a: &[u8], b: &[u8]) -> bool {
    let da = Sha256::digest(a);
    let db = Sha256::digest(b);
    da.iter()
        .zip(db.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

/// The part of an address that identifies a client: the whole IPv4
/// address, or the /64 prefix of an IPv6 one (a host usually owns a whole
/// /64 and can rotate within it).
fn client_bytes(ip: IpAddr) -> Vec<u8> {
    match ip {
        IpAddr::V4(v4) => v4.octets().to_vec(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.octets().to_vec(),
            None => v6.octets()[..8].to_vec(),
        },
    }
}

/// The client's address: the socket peer, or with `trust_forwarded_for`
/// the last `X-Forwarded-For` entry (the one our own proxy appended).
pub(crate) fn client_ip(
    peer: Option<SocketAddr>,
    headers: &HeaderMap,
    trust_forwarded_for: bool,
) -> Option<IpAddr> {
    if trust_forwarded_for {
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter_map(|s| s.trim().parse::<IpAddr>().ok())
            .next_back();
        if forwarded.is_some() {
            return forwarded;
        }
    }
    peer.map(|p| p.ip())
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

#[derive(Debug)]
struct Table {
    key: [u8; 32],
    key_born: Instant,
    buckets: HashMap<[u8; 16], Bucket>,
}

/// Token buckets per client hash.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    per_second: f64,
    burst: f64,
    max_clients: usize,
    table: Mutex<Table>,
}

impl RateLimiter {
    pub(crate) fn new(cfg: &RateLimitConfig) -> Self {
        Self {
            per_second: cfg.per_second,
            burst: f64::from(cfg.burst.max(1)),
            max_clients: cfg.max_clients.max(1),
            table: Mutex::new(Table {
                key: random_key(),
                key_born: Instant::now(),
                buckets: HashMap::new(),
            }),
        }
    }

    /// Takes a token for `ip`, or says how long to wait for one.
    pub(crate) fn check(&self, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        if self.per_second <= 0.0 {
            return Ok(());
        }
        let mut table = self
            .table
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if now.saturating_duration_since(table.key_born) >= KEY_LIFETIME {
            table.key = random_key();
            table.key_born = now;
            table.buckets.clear();
        }
        let mut id = [0u8; 16];
        id.copy_from_slice(&hmac_sha256(&table.key, &client_bytes(ip))[..16]);

        if table.buckets.len() >= self.max_clients && !table.buckets.contains_key(&id) {
            // Entries that would be full again carry no information.
            let refill = Duration::from_secs_f64(self.burst / self.per_second);
            table
                .buckets
                .retain(|_, b| now.saturating_duration_since(b.last) < refill);
            if table.buckets.len() >= self.max_clients {
                // More active clients than the table holds: forget them all
                // rather than grow (each gets a fresh burst).
                table.buckets.clear();
            }
        }
        let bucket = table.buckets.entry(id).or_insert(Bucket {
            tokens: self.burst,
            last: now,
        });
        let elapsed = now.saturating_duration_since(bucket.last).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.per_second).min(self.burst);
        bucket.last = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64(
                (1.0 - bucket.tokens) / self.per_second,
            ))
        }
    }

    #[cfg(test)]
    fn clients(&self) -> usize {
        self.table
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .buckets
            .len()
    }
}

/// A TCP listener that holds at most `max` connections open (further ones
/// wait in the kernel's accept queue instead of costing memory here) and
/// closes a connection that sends nothing for `idle` (hyper as axum runs it
/// has no header or keep-alive timeout of its own).
pub(crate) struct LimitedListener {
    inner: TcpListener,
    permits: Arc<Semaphore>,
    idle: Duration,
}

impl LimitedListener {
    pub(crate) fn new(inner: TcpListener, max: usize, idle: Duration) -> Self {
        Self {
            inner,
            permits: Arc::new(Semaphore::new(max.max(1))),
            idle: idle.max(Duration::from_secs(1)),
        }
    }
}

impl Listener for LimitedListener {
    type Io = LimitedStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        // The semaphore is never closed, so this is always Some.
        let permit = self.permits.clone().acquire_owned().await.ok();
        loop {
            match self.inner.accept().await {
                Ok((stream, addr)) => {
                    // Small request/response pairs: do not wait for Nagle.
                    let _ = stream.set_nodelay(true);
                    return (
                        LimitedStream {
                            stream,
                            _permit: permit,
                            idle: self.idle,
                            deadline: Box::pin(tokio::time::sleep(self.idle)),
                        },
                        addr,
                    );
                }
                Err(e) if is_connection_error(&e) => {}
                // Out of file descriptors and the like: back off as axum's
                // own listener does.
                Err(_) => tokio::time::sleep(Duration::from_secs(1)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// A connection that gives its slot back when dropped, and fails its reads
/// once the client has been silent for the idle time.
pub(crate) struct LimitedStream {
    stream: TcpStream,
    _permit: Option<OwnedSemaphorePermit>,
    idle: Duration,
    deadline: Pin<Box<tokio::time::Sleep>>,
}

impl AsyncRead for LimitedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        match Pin::new(&mut this.stream).poll_read(cx, buf) {
            Poll::Ready(r) => {
                let next = tokio::time::Instant::now() + this.idle;
                this.deadline.as_mut().reset(next);
                Poll::Ready(r)
            }
            Poll::Pending => match this.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "client idle for too long",
                ))),
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

impl AsyncWrite for LimitedStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// The peer address, as `ConnectInfo` for handlers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientAddr(pub SocketAddr);

impl Connected<IncomingStream<'_, LimitedListener>> for ClientAddr {
    fn connect_info(stream: IncomingStream<'_, LimitedListener>) -> Self {
        Self(*stream.remote_addr())
    }
}

impl Connected<IncomingStream<'_, TcpListener>> for ClientAddr {
    fn connect_info(stream: IncomingStream<'_, TcpListener>) -> Self {
        Self(*stream.remote_addr())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_case_2_shape() {
        // RFC 4231 test case 2 uses a 4-byte key ("Jefe"); HMAC pads keys
        // with zeros to the block size, so a zero-padded 32-byte key gives
        // the same MAC.
        let mut key = [0u8; 32];
        key[..4].copy_from_slice(b"Jefe");
        let mac = hmac_sha256(&key, b"what do ya want for nothing?");
        let hex: String = mac.iter().fold(String::new(), |mut s, b| {
            use std::fmt::Write as _;
            let _ = write!(s, "{b:02x}");
            s
        });
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn secrets_compare() {
        assert!(secret_eq(b"token", b"token"));
        assert!(!secret_eq(b"token", b"tokem"));
        assert!(!secret_eq(b"token", b"token2"));
    }

    #[test]
    fn bucket_allows_burst_then_refills() {
        let rl = RateLimiter::new(&RateLimitConfig {
            per_second: 2.0,
            burst: 3,
            max_clients: 10,
        });
        let ip: IpAddr = "192.0.2.1".parse().unwrap_or(IpAddr::from([0, 0, 0, 0]));
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(rl.check(ip, t0).is_ok());
        }
        let wait = rl.check(ip, t0).err();
        assert_eq!(wait, Some(Duration::from_millis(500)));
        // Another client is not affected.
        assert!(rl.check("192.0.2.2".parse().unwrap_or(ip), t0).is_ok());
        // Half a second later one token is back.
        let t1 = t0 + Duration::from_millis(500);
        assert!(rl.check(ip, t1).is_ok());
        assert!(rl.check(ip, t1).is_err());
    }

    #[test]
    fn ipv6_clients_are_keyed_by_their_64_prefix() {
        let rl = RateLimiter::new(&RateLimitConfig {
            per_second: 1.0,
            burst: 1,
            max_clients: 10,
        });
        let now = Instant::now();
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap_or(IpAddr::from([0; 16]));
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap_or(a);
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap_or(a);
        assert!(rl.check(a, now).is_ok());
        assert!(rl.check(b, now).is_err(), "same /64 shares a bucket");
        assert!(rl.check(c, now).is_ok(), "another /64 has its own");
    }

    #[test]
    fn table_stays_bounded() {
        let rl = RateLimiter::new(&RateLimitConfig {
            per_second: 1.0,
            burst: 10,
            max_clients: 100,
        });
        let now = Instant::now();
        for i in 0..1000u32 {
            let _ = rl.check(IpAddr::from(i.to_be_bytes()), now);
            assert!(rl.clients() <= 100);
        }
    }

    #[test]
    fn forwarded_for_only_when_trusted() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            axum::http::HeaderValue::from_static("203.0.113.9, 198.51.100.7"),
        );
        let peer: SocketAddr = "127.0.0.1:5555"
            .parse()
            .unwrap_or(SocketAddr::from(([0, 0, 0, 0], 0)));
        assert_eq!(
            client_ip(Some(peer), &headers, false),
            Some(peer.ip()),
            "untrusted header ignored"
        );
        assert_eq!(
            client_ip(Some(peer), &headers, true),
            "198.51.100.7".parse().ok(),
            "the proxy's own entry is the last"
        );
    }
}
