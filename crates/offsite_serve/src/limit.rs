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
use ring::hmac;
use ring::rand::SystemRandom;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config::RateLimitConfig;

/// How long one hashing key lives. After it, every client hash changes, so
/// the table cannot link a client across hours.
const KEY_LIFETIME: Duration = Duration::from_hours(1);

/// A fresh HMAC-SHA-256 key from the operating system's random source
/// (ring's `SystemRandom`); `None` only when the OS gives no randomness.
fn new_key(rng: &SystemRandom) -> Option<hmac::Key> {
    hmac::Key::generate(hmac::HMAC_SHA256, rng).ok()
}

/// The keyed hash that names a client in the bucket table: the first 16
/// bytes of HMAC-SHA-256 of its address.
fn client_id(key: &hmac::Key, ip: IpAddr) -> [u8; 16] {
    let tag = hmac::sign(key, &client_bytes(ip));
    let mut id = [0u8; 16];
    id.copy_from_slice(&tag.as_ref()[..16]);
    id
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
    key: hmac::Key,
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
    rng: SystemRandom,
}

impl RateLimiter {
    /// `None` when the operating system gives no random bytes for the key.
    pub(crate) fn new(cfg: &RateLimitConfig) -> Option<Self> {
        let rng = SystemRandom::new();
        Some(Self {
            per_second: cfg.per_second,
            burst: f64::from(cfg.burst.max(1)),
            max_clients: cfg.max_clients.max(1),
            table: Mutex::new(Table {
                key: new_key(&rng)?,
                key_born: Instant::now(),
                buckets: HashMap::new(),
            }),
            rng,
        })
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
        // Should the OS give no random bytes, the old key is kept and the
        // change tried again on the next request: limiting carries on.
        if now.saturating_duration_since(table.key_born) >= KEY_LIFETIME
            && let Some(key) = new_key(&self.rng)
        {
            table.key = key;
            table.key_born = now;
            table.buckets.clear();
        }
        let id = client_id(&table.key, ip);

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
    fn client_ids_are_keyed_and_name_an_ipv6_client_by_its_64_prefix() {
        let rng = SystemRandom::new();
        let (Some(k1), Some(k2)) = (new_key(&rng), new_key(&rng)) else {
            panic!("no OS randomness in the test environment");
        };
        let v4 = IpAddr::from([192, 0, 2, 7]);
        assert_eq!(client_id(&k1, v4), client_id(&k1, v4));
        assert_ne!(client_id(&k1, v4), client_id(&k2, v4), "a new key unlinks");
        let a = IpAddr::from([0x2001, 0xdb8, 1, 2, 0, 0, 0, 1]);
        let b = IpAddr::from([0x2001, 0xdb8, 1, 2, 0xffff, 0, 0, 9]);
        let other = IpAddr::from([0x2001, 0xdb8, 1, 3, 0, 0, 0, 1]);
        assert_eq!(client_id(&k1, a), client_id(&k1, b));
        assert_ne!(client_id(&k1, a), client_id(&k1, other));
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
        })
        .unwrap_or_else(|| panic!("no OS randomness in the test environment"));
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
        })
        .unwrap_or_else(|| panic!("no OS randomness in the test environment"));
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
        })
        .unwrap_or_else(|| panic!("no OS randomness in the test environment"));
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
