//! The polite request loop: one place that sends every request, adds `maxlag`, limits
//! concurrency, retries what may pass (429, 5xx, timeouts, lag) with backoff, and turns
//! everything else into an [`ApiError`] naming the request.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{CONTENT_TYPE, RETRY_AFTER};
use serde_json::Value;
use tokio::sync::Semaphore;

use crate::{ApiError, ClientOptions};

/// Above this many bytes of parameters a request goes as a POST form: long `titles=`
/// lists can exceed what proxies accept in a URL. The Action API reads both alike.
const MAX_GET_PARAMS: usize = 2000;

/// A MediaWiki Action API client. Cheap to clone: clones share the connection pool, the
/// concurrency limit and the request counter.
#[derive(Clone, Debug)]
pub struct ApiClient {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: reqwest::Client,
    opts: ClientOptions,
    permits: Semaphore,
    requests: AtomicU64,
    rng: AtomicU64,
}

/// Why one attempt failed in a way worth retrying.
enum Transient {
    Status { status: u16, body_start: String },
    Timeout,
    Transport(reqwest::Error),
    Maxlag(String),
    Api { code: String, info: String },
}

enum Attempt {
    Done(Value),
    Fatal(ApiError),
    Retry(Transient, Option<Duration>),
}

impl ApiClient {
    /// Builds a client after [`ClientOptions::validate`]. Installs rustls' ring provider
    /// for the process if none is installed yet (reqwest panics without one).
    pub fn new(opts: ClientOptions) -> Result<Self, ApiError> {
        opts.validate()?;
        let http = crate::http::client_builder(&opts.effective_user_agent(), opts.timeout)
            .gzip(true)
            .build()
            .map_err(ApiError::Client)?;
        let seed = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0x9e37_79b9, |d| {
                u64::try_from(d.as_nanos() & u128::from(u64::MAX)).unwrap_or(1)
            });
        Ok(ApiClient {
            inner: Arc::new(Inner {
                http,
                permits: Semaphore::new(opts.max_concurrency),
                opts,
                requests: AtomicU64::new(0),
                rng: AtomicU64::new(seed | 1),
            }),
        })
    }

    pub fn options(&self) -> &ClientOptions {
        &self.inner.opts
    }

    /// HTTP requests sent so far by this client and its clones, retries included.
    pub fn requests_sent(&self) -> u64 {
        self.inner.requests.load(Ordering::Relaxed)
    }

    /// Sends one API call (`params` must include `action`) and returns the JSON body.
    /// `format=json`, `formatversion=2` and `maxlag` are added here.
    pub async fn call<K: AsRef<str>>(&self, params: &[(K, String)]) -> Result<Value, ApiError> {
        let mut all: Vec<(&str, &str)> = params
            .iter()
            .map(|(k, v)| (k.as_ref(), v.as_str()))
            .collect();
        let request = describe(&all);
        let maxlag = self.inner.opts.maxlag.to_string();
        all.push(("format", "json"));
        all.push(("formatversion", "2"));
        all.push(("maxlag", &maxlag));
        let post = all
            .iter()
            .map(|(k, v)| k.len() + v.len() + 2)
            .sum::<usize>()
            > MAX_GET_PARAMS;
        let mut attempts = 0;
        loop {
            attempts += 1;
            let (transient, retry_after) = match self.attempt(&request, &all, post).await {
                Attempt::Done(v) => return Ok(v),
                Attempt::Fatal(e) => return Err(e),
                Attempt::Retry(t, ra) => (t, ra),
            };
            if attempts > self.inner.opts.max_retries {
                return Err(self.give_up(request, attempts, transient));
            }
            tokio::time::sleep(self.delay(attempts, retry_after)).await;
        }
    }

    async fn attempt(&self, request: &str, params: &[(&str, &str)], post: bool) -> Attempt {
        // The semaphore is never closed, so acquire() only fails if it were; then we
        // go on without a permit rather than fail the request.
        let _permit = self.inner.permits.acquire().await.ok();
        self.inner.requests.fetch_add(1, Ordering::Relaxed);
        let url = &self.inner.opts.api_url;
        let builder = if post {
            self.inner.http.post(url).form(params)
        } else {
            self.inner.http.get(url).query(params)
        };
        let resp = match builder.send().await {
            Ok(r) => r,
            Err(e) if e.is_timeout() => return Attempt::Retry(Transient::Timeout, None),
            Err(e) if e.is_builder() => {
                return Attempt::Fatal(ApiError::Transport {
                    request: request.into(),
                    attempts: 1,
                    source: e,
                });
            }
            Err(e) => return Attempt::Retry(Transient::Transport(e), None),
        };
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| parse_retry_after(v.to_str().ok()?));
        let content_type = resp
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let body = match resp.bytes().await {
            Ok(b) => b,
            Err(e) if e.is_timeout() => return Attempt::Retry(Transient::Timeout, None),
            Err(e) => return Attempt::Retry(Transient::Transport(e), None),
        };
        if status == 429 || status >= 500 {
            return Attempt::Retry(
                Transient::Status {
                    status,
                    body_start: body_start(&body),
                },
                retry_after,
            );
        }
        if !(200..300).contains(&status) {
            return Attempt::Fatal(ApiError::Status {
                request: request.into(),
                status,
                attempts: 1,
                body_start: body_start(&body),
            });
        }
        let value: Value = match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(_) => {
                return Attempt::Fatal(ApiError::NotJson {
                    request: request.into(),
                    status,
                    content_type,
                    body_start: body_start(&body),
                });
            }
        };
        if let Some(err) = value.get("error") {
            let code = err
                .get("code")
                .and_then(Value::as_str)
                .unwrap_or("unknown")
                .to_owned();
            let info = err
                .get("info")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            return match code.as_str() {
                // https://www.mediawiki.org/wiki/Manual:Maxlag_parameter: wait Retry-After.
                "maxlag" => Attempt::Retry(
                    Transient::Maxlag(info),
                    retry_after.or(Some(Duration::from_secs(5))),
                ),
                // Short-lived conditions on a healthy wiki: back off and ask again.
                "ratelimited" | "readonly" => {
                    Attempt::Retry(Transient::Api { code, info }, retry_after)
                }
                _ => Attempt::Fatal(ApiError::Api {
                    request: request.into(),
                    code,
                    info,
                }),
            };
        }
        Attempt::Done(value)
    }

    fn give_up(&self, request: String, attempts: u32, t: Transient) -> ApiError {
        match t {
            Transient::Status { status, body_start } => ApiError::Status {
                request,
                status,
                attempts,
                body_start,
            },
            Transient::Timeout => ApiError::Timeout {
                request,
                timeout: self.inner.opts.timeout,
                attempts,
            },
            Transient::Transport(source) => ApiError::Transport {
                request,
                attempts,
                source,
            },
            Transient::Maxlag(info) => ApiError::Maxlag {
                request,
                attempts,
                info,
            },
            Transient::Api { code, info } => ApiError::Api {
                request,
                code,
                info,
            },
        }
    }

    /// Exponential backoff with jitter (half fixed, half random), or the server's
    /// `Retry-After` when it gave one; never more than `max_delay`.
    fn delay(&self, attempts: u32, retry_after: Option<Duration>) -> Duration {
        let o = &self.inner.opts;
        let factor = 1u32 << attempts.saturating_sub(1).min(16);
        let backoff = o.retry_base_delay.saturating_mul(factor).min(o.max_delay);
        let jitter = backoff.mul_f64(0.5 * self.random_unit());
        let wait = match retry_after {
            // Honour the server exactly, plus a little jitter so clients do not align.
            Some(ra) => {
                ra + o
                    .retry_base_delay
                    .min(Duration::from_millis(250))
                    .mul_f64(self.random_unit())
            }
            None => backoff / 2 + jitter,
        };
        wait.min(o.max_delay)
    }

    /// A number in [0, 1) from a xorshift step; jitter needs no better randomness.
    fn random_unit(&self) -> f64 {
        let mut x = self.inner.rng.load(Ordering::Relaxed);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.inner.rng.store(x, Ordering::Relaxed);
        #[expect(
            clippy::cast_precision_loss,
            reason = "53 bits of a random number are plenty"
        )]
        let unit = (x >> 11) as f64 / (1u64 << 53) as f64;
        unit
    }
}

/// `Retry-After` in seconds. The HTTP-date form is not parsed (MediaWiki and
/// Wikimedia's caches send seconds); it falls back to the computed backoff.
fn parse_retry_after(v: &str) -> Option<Duration> {
    v.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// The request as people read it: `action=query list=allpages apnamespace=2`.
fn describe(params: &[(&str, &str)]) -> String {
    let mut out = String::new();
    for (k, v) in params {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(k);
        out.push('=');
        if v.chars().count() > 80 {
            out.extend(v.chars().take(77));
            out.push_str("...");
        } else {
            out.push_str(v);
        }
    }
    out
}

/// The start of a body for an error message: the `<title>` of an HTML page if there is
/// one, else the first 200 characters with whitespace collapsed.
fn body_start(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let lower = text.to_ascii_lowercase();
    let raw = match (lower.find("<title>"), lower.find("</title>")) {
        (Some(a), Some(b)) if a + 7 <= b => &text[a + 7..b],
        _ => &text[..],
    };
    let collapsed = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.is_empty() {
        return "(empty body)".into();
    }
    let mut s: String = collapsed.chars().take(200).collect();
    if collapsed.chars().count() > 200 {
        s.push_str("...");
    }
    s
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly on purpose")]
mod tests {
    use super::*;

    #[test]
    fn describes_requests_and_bodies() {
        let titles = "A|".repeat(60);
        let d = describe(&[("action", "query"), ("titles", &titles)]);
        assert!(d.starts_with("action=query titles=A|A|"));
        assert!(d.ends_with("..."));
        assert_eq!(
            body_start(b"<html><head><title>503 Service\n Unavailable</title>"),
            "503 Service Unavailable"
        );
        assert_eq!(body_start(b"  \n"), "(empty body)");
        assert_eq!(parse_retry_after(" 3 "), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }

    #[test]
    fn backoff_grows_is_capped_and_honours_retry_after() {
        let mut o = ClientOptions::new("http://127.0.0.1:1/api.php", "t@example.org");
        o.retry_base_delay = Duration::from_millis(100);
        o.max_delay = Duration::from_secs(1);
        let c = ApiClient::new(o).unwrap();
        for attempt in 1..8 {
            let d = c.delay(attempt, None);
            let full =
                Duration::from_millis(100 * (1 << (attempt - 1))).min(Duration::from_secs(1));
            assert!(
                d >= full / 2 && d <= full,
                "attempt {attempt}: {d:?} vs {full:?}"
            );
        }
        let d = c.delay(1, Some(Duration::from_millis(500)));
        assert!(
            d >= Duration::from_millis(500) && d < Duration::from_millis(600),
            "{d:?}"
        );
        assert_eq!(
            c.delay(1, Some(Duration::from_hours(1))),
            Duration::from_secs(1)
        );
    }
}
