//! What the caller says about the wiki and how gently to treat it.

use std::time::Duration;

use crate::ApiError;

/// The most titles one `prop=revisions` query may name for a client without the
/// `apihighlimits` right (bots and admins may send 500; we never assume that).
pub const MAX_BATCH_SIZE: usize = 50;

/// Options of an [`ApiClient`](crate::ApiClient). Build with [`ClientOptions::new`] and
/// change fields as needed; [`ClientOptions::validate`] runs when the client is built.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientOptions {
    /// The wiki's `api.php`, e.g. `https://en.wikipedia.org/w/api.php`.
    pub api_url: String,
    /// How operators can reach whoever runs the crawl (an e-mail address or a URL).
    /// Wikimedia's User-Agent policy asks for one; an empty contact is refused unless
    /// `user_agent` is set explicitly.
    pub contact: String,
    /// The full User-Agent. `None` means `offsite/<version> (<contact>)`.
    pub user_agent: Option<String>,
    /// Requests in flight at once through one client (a semaphore). The crawl itself
    /// sends its requests in series; this bounds concurrent callers of a shared client.
    pub max_concurrency: usize,
    /// Sent as `maxlag` on every request: the server refuses work while its replicas lag
    /// more than this many seconds, and the client waits and retries.
    pub maxlag: u32,
    /// Retries after the first attempt, on 429, 5xx, timeouts, transport errors and lag.
    pub max_retries: u32,
    /// First backoff delay; doubled on every retry, with jitter, capped at `max_delay`.
    pub retry_base_delay: Duration,
    /// Upper bound on any single wait, including a server's `Retry-After`.
    pub max_delay: Duration,
    /// Whole-request timeout (connect, send, read the body).
    pub timeout: Duration,
    /// Namespaces the crawl lists: 2 (User) and 8 (MediaWiki) by default. Add 2300/2302
    /// (Gadget, Gadget definition) on wikis whose Gadgets extension stores JSON definitions.
    pub namespaces: Vec<i64>,
    /// Titles per `prop=revisions` content query, at most [`MAX_BATCH_SIZE`]. The crawl
    /// writes its checkpoint after each such batch.
    pub batch_size: usize,
    /// Pages per listing request (`gaplimit`; the API allows up to 500).
    pub list_limit: usize,
}

impl ClientOptions {
    /// Options with polite defaults for the given `api.php` URL and contact.
    pub fn new(api_url: impl Into<String>, contact: impl Into<String>) -> Self {
        ClientOptions {
            api_url: api_url.into(),
            contact: contact.into(),
            user_agent: None,
            max_concurrency: 2,
            maxlag: 5,
            max_retries: 5,
            retry_base_delay: Duration::from_secs(1),
            max_delay: Duration::from_mins(2),
            timeout: Duration::from_mins(1),
            namespaces: vec![2, 8],
            batch_size: MAX_BATCH_SIZE,
            list_limit: 500,
        }
    }

    /// The User-Agent header this client sends.
    pub fn effective_user_agent(&self) -> String {
        match &self.user_agent {
            Some(ua) => ua.clone(),
            None => format!(
                "offsite/{} ({})",
                env!("CARGO_PKG_VERSION"),
                self.contact.trim()
            ),
        }
    }

    /// Refuses options that would make an impolite or broken client.
    pub fn validate(&self) -> Result<(), ApiError> {
        let bad = |m: &str| Err(ApiError::Options(m.to_owned()));
        if !(self.api_url.starts_with("http://") || self.api_url.starts_with("https://")) {
            return Err(ApiError::Options(format!(
                "api_url {:?} is not an http(s) URL",
                self.api_url
            )));
        }
        match &self.user_agent {
            Some(ua) if ua.trim().is_empty() => return bad("user_agent is empty"),
            None if self.contact.trim().is_empty() => {
                return bad("contact is empty: say how operators can reach you (e-mail or URL)");
            }
            _ => {}
        }
        if self.max_concurrency == 0 {
            return bad("max_concurrency must be at least 1");
        }
        if self.batch_size == 0 || self.batch_size > MAX_BATCH_SIZE {
            return Err(ApiError::Options(format!(
                "batch_size {} is outside 1..={MAX_BATCH_SIZE}",
                self.batch_size
            )));
        }
        if self.list_limit == 0 || self.list_limit > 500 {
            return Err(ApiError::Options(format!(
                "list_limit {} is outside 1..=500",
                self.list_limit
            )));
        }
        if self.namespaces.is_empty() {
            return bad("namespaces is empty");
        }
        if self.timeout.is_zero() {
            return bad("timeout is zero");
        }
        Ok(())
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly on purpose")]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_polite_and_valid() {
        let o = ClientOptions::new("https://example.org/w/api.php", "ops@example.org");
        o.validate().unwrap();
        assert_eq!(o.max_concurrency, 2);
        assert_eq!(o.maxlag, 5);
        assert_eq!(o.namespaces, vec![2, 8]);
        assert_eq!(
            o.effective_user_agent(),
            format!("offsite/{} (ops@example.org)", env!("CARGO_PKG_VERSION"))
        );
    }

    #[test]
    fn refuses_empty_contact_and_big_batches() {
        let mut o = ClientOptions::new("https://example.org/w/api.php", "  ");
        assert!(o.validate().unwrap_err().to_string().contains("contact"));
        o.user_agent = Some("MyBot/1.0 (me@example.org)".into());
        o.validate().unwrap();
        o.batch_size = 51;
        assert!(
            o.validate()
                .unwrap_err()
                .to_string()
                .contains("batch_size 51")
        );
        o.batch_size = 50;
        o.api_url = "ftp://x".into();
        assert!(o.validate().is_err());
    }
}
