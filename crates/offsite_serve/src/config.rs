//! The `[serve]` table of `offsite.toml`: what the operator writes. Every key
//! is optional and kebab-case; unknown keys are errors so a typo does not
//! silently fall back to a default.

use std::path::PathBuf;
use std::time::Duration;

use offsite_collect::filter::FilterConfig;
use serde::Deserialize;

/// Everything `offsite serve` needs. Build it with [`Default`] and change
/// what you need, or deserialize it from a `[serve]` table.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct ServeConfig {
    /// Address to listen on. Default: `127.0.0.1:8080` (put a TLS proxy in
    /// front; browsers only deliver `report-to` reports over https).
    pub listen: String,
    /// Where reports go: `sqlite:PATH` or a `postgres://` URL. Default:
    /// `sqlite:offsite-reports.db`.
    pub store: String,
    /// Bearer token required by the read API and the dashboard's data. When
    /// absent, reading is open (fine on a loopback-only listener). Sending
    /// reports never needs a token.
    pub read_token: Option<String>,
    /// An `offsite scan --format json` output: new report groups are
    /// attributed to the wiki page (and gadget) whose load matches.
    pub inventory: Option<PathBuf>,
    /// An `offsite inventory --format json` output: its rows' `page` →
    /// `gadget` name the gadget in attributions (the scan JSON does not
    /// know gadget definitions).
    pub gadgets: Option<PathBuf>,
    /// `Access-Control-Allow-Origin` on the report endpoint (preflight and
    /// POST). Default: `*`.
    pub allow_origin: String,
    /// Trust the last address in `X-Forwarded-For` as the client (only when
    /// a proxy you run sets it). Default: false, the socket peer is the
    /// client.
    pub trust_forwarded_for: bool,
    /// SQLite only: sync the database file on every batch
    /// (`synchronous=FULL`), so an acknowledged report survives a power
    /// loss, not only a crash of the process. Default: false.
    pub sqlite_sync_full: bool,
    /// Changes to the noise filter's default lists (`[serve.noise]`).
    pub noise: FilterConfig,
    /// Request sizes, concurrency and timeouts (`[serve.limits]`).
    pub limits: LimitsConfig,
    /// Per-client rate limit of the report endpoint (`[serve.rate-limit]`).
    pub rate_limit: RateLimitConfig,
    /// The writer's queue and batches (`[serve.writer]`).
    pub writer: WriterConfig,
    /// What is kept and for how long (`[serve.retention]`).
    pub retention: RetentionConfig,
    /// The alert webhook (`[serve.alerts]`).
    pub alerts: AlertsConfig,
}

impl Default for ServeConfig {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".to_owned(),
            store: "sqlite:offsite-reports.db".to_owned(),
            read_token: None,
            inventory: None,
            gadgets: None,
            allow_origin: "*".to_owned(),
            trust_forwarded_for: false,
            sqlite_sync_full: false,
            noise: FilterConfig::default(),
            limits: LimitsConfig::default(),
            rate_limit: RateLimitConfig::default(),
            writer: WriterConfig::default(),
            retention: RetentionConfig::default(),
            alerts: AlertsConfig::default(),
        }
    }
}

/// Request sizes, concurrency and time limits.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct LimitsConfig {
    /// Largest `application/csp-report` or `application/json` body (one
    /// report). Default: 8192, MediaWiki's `action=cspreport` limit.
    pub max_report_bytes: usize,
    /// Largest `application/reports+json` body (a batch). Default: 65536.
    pub max_batch_bytes: usize,
    /// Requests handled at once; more are answered 503 at once. Default: 256.
    pub max_in_flight: usize,
    /// Open connections; more wait in the kernel's accept queue. Default:
    /// 2048.
    pub max_connections: usize,
    /// Whole-request time limit, body included; answered 408. Default: 10.
    pub request_timeout_secs: u64,
    /// A connection on which the client sends nothing for this long is
    /// closed (idle keep-alive, or a request that stalls before its
    /// headers end). Default: 30.
    pub idle_timeout_secs: u64,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        Self {
            max_report_bytes: 8192,
            max_batch_bytes: 64 * 1024,
            max_in_flight: 256,
            max_connections: 2048,
            request_timeout_secs: 10,
            idle_timeout_secs: 30,
        }
    }
}

/// Per-client rate limit on the report endpoint (a token bucket per keyed
/// hash of the client address).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct RateLimitConfig {
    /// Report requests per second a client may sustain; 0 turns the limit
    /// off. Default: 10.
    pub per_second: f64,
    /// Requests a client may send at once after being quiet. Default: 100
    /// (a page view with many blocked loads sends one request per report).
    pub burst: u32,
    /// Clients tracked at once; beyond it the oldest entries are dropped.
    /// Default: 100000.
    pub max_clients: usize,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            per_second: 10.0,
            burst: 100,
            max_clients: 100_000,
        }
    }
}

/// The single writer task and its queue.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct WriterConfig {
    /// Requests waiting for the writer; when full, new reports are answered
    /// 503 with `Retry-After`. Default: 1024.
    pub queue_capacity: usize,
    /// Reports written in one transaction at most. Default: 512.
    pub batch_max_reports: usize,
    /// How long the writer waits for more reports before writing a batch,
    /// in milliseconds. Default: 0, group commit: the writer writes what is
    /// queued at once, and what arrives meanwhile forms the next batch.
    /// A wait only helps when clients do not wait for their answer: every
    /// sender blocked on its acknowledgement makes the wait pure latency
    /// (with 5 ms, 64 connections were capped near 7,000 reports/s).
    pub batch_max_wait_ms: u64,
}

impl Default for WriterConfig {
    fn default() -> Self {
        Self {
            queue_capacity: 1024,
            batch_max_reports: 512,
            batch_max_wait_ms: 0,
        }
    }
}

/// How long data is kept and how the store aggregates it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct RetentionConfig {
    /// Raw sample reports older than this are deleted. Default: 14.
    pub samples_days: u32,
    /// Groups and their timeline buckets older than this are deleted.
    /// Default: 400.
    pub aggregates_days: u32,
    /// Raw samples kept per group. Default: 20.
    pub samples_per_group: u32,
    /// Width of a timeline bucket. Default: 3600.
    pub bucket_secs: u32,
    /// How often old data is pruned. Default: 3600.
    pub prune_interval_secs: u64,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        Self {
            samples_days: 14,
            aggregates_days: 400,
            samples_per_group: 20,
            bucket_secs: 3600,
            prune_interval_secs: 3600,
        }
    }
}

/// The alert webhook: a JSON POST when a new group appears or a group's
/// rate jumps.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
pub struct AlertsConfig {
    /// Where to POST alerts (`https://...`); no alerts without it.
    pub webhook: Option<String>,
    /// Alert on groups seen for the first time. Default: true.
    pub new_groups: bool,
    /// New groups are collected for this long and sent as one alert; a rate
    /// alert for a group is not repeated within it. Default: 300.
    pub debounce_secs: u64,
    /// The window a rate is measured over. Default: 900.
    pub rate_window_secs: u64,
    /// How many earlier windows make the baseline average. Default: 4.
    pub rate_baseline_windows: u32,
    /// A group alerts when its count in the last window exceeds the
    /// baseline average times this factor... Default: 5.0.
    pub rate_factor: f64,
    /// ...and is at least this many reports. Default: 50.
    pub rate_min_count: i64,
    /// Webhook request timeout. Default: 10.
    pub timeout_secs: u64,
}

impl Default for AlertsConfig {
    fn default() -> Self {
        Self {
            webhook: None,
            new_groups: true,
            debounce_secs: 300,
            rate_window_secs: 900,
            rate_baseline_windows: 4,
            rate_factor: 5.0,
            rate_min_count: 50,
            timeout_secs: 10,
        }
    }
}

impl ServeConfig {
    /// Checks values that would make the server misbehave rather than fail.
    pub fn validate(&self) -> Result<(), crate::ServeError> {
        let bad = |key: &str, reason: &str| {
            Err(crate::ServeError::Config(format!(
                "`serve.{key}`: {reason}"
            )))
        };
        if self
            .read_token
            .as_ref()
            .is_some_and(|t| t.trim().is_empty() || t.chars().any(char::is_whitespace))
        {
            return bad(
                "read-token",
                "must be a non-empty token without spaces (leave it out to make reading open)",
            );
        }
        if self.limits.max_report_bytes == 0 || self.limits.max_batch_bytes == 0 {
            return bad("limits", "body limits must be at least 1 byte");
        }
        if self.limits.max_in_flight == 0 || self.limits.max_connections == 0 {
            return bad(
                "limits",
                "`max-in-flight` and `max-connections` must be at least 1",
            );
        }
        if self.writer.queue_capacity == 0 || self.writer.batch_max_reports == 0 {
            return bad(
                "writer",
                "`queue-capacity` and `batch-max-reports` must be at least 1",
            );
        }
        if !(self.rate_limit.per_second >= 0.0 && self.rate_limit.per_second.is_finite()) {
            return bad("rate-limit.per-second", "must be a number >= 0");
        }
        if !(self.alerts.rate_factor >= 1.0 && self.alerts.rate_factor.is_finite()) {
            return bad("alerts.rate-factor", "must be a number >= 1");
        }
        if self.alerts.rate_window_secs == 0 || self.alerts.rate_baseline_windows == 0 {
            return bad(
                "alerts",
                "`rate-window-secs` and `rate-baseline-windows` must be at least 1",
            );
        }
        if self.retention.bucket_secs == 0 || self.retention.prune_interval_secs == 0 {
            return bad(
                "retention",
                "`bucket-secs` and `prune-interval-secs` must be at least 1",
            );
        }
        if let Some(hook) = &self.alerts.webhook
            && !(hook.starts_with("https://") || hook.starts_with("http://"))
        {
            return bad("alerts.webhook", "must be an http:// or https:// URL");
        }
        if self.allow_origin.is_empty()
            || self
                .allow_origin
                .bytes()
                .any(|b| b.is_ascii_control() || b == b',')
        {
            return bad(
                "allow-origin",
                "must be `*` or one origin such as `https://wiki.example.org`",
            );
        }
        Ok(())
    }

    pub(crate) fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.limits.request_timeout_secs.max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_serve_table_deserializes_with_kebab_case_keys() {
        let toml = r#"
            listen = "0.0.0.0:9000"
            store = "postgres://offsite@db/offsite"
            read-token = "s3cret"
            trust-forwarded-for = true
            [limits]
            max-report-bytes = 4096
            [rate-limit]
            per-second = 2.5
            [alerts]
            webhook = "https://hooks.example.org/x"
            rate-factor = 3.0
            [noise]
            extra-hosts = ["*.adware.example"]
        "#;
        let config: ServeConfig = toml::from_str(toml).unwrap_or_default();
        assert_eq!(config.listen, "0.0.0.0:9000");
        assert_eq!(config.read_token.as_deref(), Some("s3cret"));
        assert!(config.trust_forwarded_for);
        assert_eq!(config.limits.max_report_bytes, 4096);
        assert_eq!(
            config.limits.max_batch_bytes, 65536,
            "untouched keys keep defaults"
        );
        assert!((config.rate_limit.per_second - 2.5).abs() < f64::EPSILON);
        assert_eq!(
            config.alerts.webhook.as_deref(),
            Some("https://hooks.example.org/x")
        );
        assert_eq!(config.noise.extra_hosts, ["*.adware.example"]);
        assert!(config.validate().is_ok());
    }

    #[test]
    fn typos_and_bad_values_are_errors_naming_the_key() {
        let typo = toml::from_str::<ServeConfig>("listne = \"x\"");
        assert!(typo.is_err_and(|e| e.to_string().contains("listne")));

        let mut config = ServeConfig {
            read_token: Some(" ".to_owned()),
            ..ServeConfig::default()
        };
        let err = config.validate().err().map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("serve.read-token")));
        config.read_token = None;
        config.alerts.webhook = Some("ftp://x".to_owned());
        let err = config.validate().err().map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("serve.alerts.webhook")));
        config.alerts.webhook = None;
        config.allow_origin = "https://a.example, https://b.example".to_owned();
        assert!(config.validate().is_err());
    }
}
