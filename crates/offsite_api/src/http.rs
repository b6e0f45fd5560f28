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

/// The Content-Security-Policy header lines `url` answers with (a GET,
/// redirects followed), one `name: value` per line, enforced and report-only.
pub async fn csp_header_lines(
    client: &reqwest::Client,
    url: &str,
) -> Result<String, CspFetchError> {
    let response = client.get(url).send().await?;
    let mut out = String::new();
    for name in [
        "content-security-policy",
        "content-security-policy-report-only",
    ] {
        for value in response.headers().get_all(name) {
            let value = value.to_str().map_err(|_| CspFetchError::NotAscii(name))?;
            out.push_str(name);
            out.push_str(": ");
            out.push_str(value);
            out.push('\n');
        }
    }
    Ok(out)
}

/// Why [`csp_header_lines`] failed.
#[derive(Debug, thiserror::Error)]
pub enum CspFetchError {
    #[error(transparent)]
    Http(#[from] reqwest::Error),
    #[error("{0} is not ASCII")]
    NotAscii(&'static str),
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
