//! The one HTTP client builder of offsite: the API crawler, `csp evaluate
//! --url` and the collector's alert webhooks all start from it, so TLS
//! (rustls on ring), the User-Agent and the timeouts are set in one place.

use std::time::Duration;

/// A `reqwest` client builder with rustls' ring provider installed (reqwest
/// panics without one), `user_agent`, a whole-request `timeout` and a
/// connect timeout of at most 30 s. Callers add what is theirs (gzip) and
/// build.
pub fn client_builder(user_agent: &str, timeout: Duration) -> reqwest::ClientBuilder {
    // Err means another provider is already installed, which serves as well.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .user_agent(user_agent)
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(30)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builder_builds_with_tls_ready() {
        // Without the provider installed first, building panics inside reqwest.
        let client = client_builder("offsite-test/0", Duration::from_secs(5)).build();
        assert!(client.is_ok(), "{client:?}");
    }
}
