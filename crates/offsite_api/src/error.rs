//! The one error type of the crate. Every message names the request (action and its
//! main parameters) or the file it is about, so a log line alone says what failed.

use std::path::PathBuf;
use std::time::Duration;

/// What went wrong talking to a wiki, or reading and writing a checkpoint.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The options cannot make a polite client (empty contact, batch size over 50, ...).
    #[error("invalid client options: {0}")]
    Options(String),

    /// The HTTP client could not be built (TLS set-up).
    #[error("cannot build the HTTP client: {0}")]
    Client(#[source] reqwest::Error),

    /// The server answered with an HTTP error status, after any retries.
    #[error("{request}: HTTP {status} after {attempts} attempt(s): {body_start}")]
    Status {
        request: String,
        status: u16,
        attempts: u32,
        body_start: String,
    },

    /// The body was not JSON: typically an HTML error page from a proxy or PHP.
    #[error(
        "{request}: HTTP {status} with a non-JSON body (content-type {content_type:?}): {body_start}"
    )]
    NotJson {
        request: String,
        status: u16,
        content_type: String,
        body_start: String,
    },

    /// The API answered with an `error` object that retrying cannot fix.
    #[error("{request}: API error {code}: {info}")]
    Api {
        request: String,
        code: String,
        info: String,
    },

    /// The replica lag stayed above `maxlag` for every attempt.
    #[error("{request}: server lagged (maxlag) for {attempts} attempt(s): {info}")]
    Maxlag {
        request: String,
        attempts: u32,
        info: String,
    },

    /// No complete answer within the timeout, for every attempt.
    #[error("{request}: no answer within {timeout:?} ({attempts} attempt(s))")]
    Timeout {
        request: String,
        timeout: Duration,
        attempts: u32,
    },

    /// Connection refused, reset, DNS, TLS: anything below HTTP, after retries.
    #[error("{request}: transport error after {attempts} attempt(s): {source}")]
    Transport {
        request: String,
        attempts: u32,
        #[source]
        source: reqwest::Error,
    },

    /// The JSON did not have the shape this API version gives.
    #[error("{request}: unexpected response shape: {what}")]
    Shape { request: String, what: String },

    /// The checkpoint file could not be read or written.
    #[error("checkpoint {path}: {source}")]
    CheckpointIo {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// The checkpoint file is not a checkpoint of this crate's format.
    #[error("checkpoint {path}: not a valid checkpoint: {source}")]
    CheckpointFormat {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },

    /// The checkpoint belongs to another crawl (other wiki, namespaces or `since`).
    #[error("checkpoint {path} belongs to another crawl: {what}; delete it to start over")]
    CheckpointMismatch { path: PathBuf, what: String },

    /// The blocking wrapper could not start a Tokio runtime.
    #[error("cannot start a Tokio runtime: {0}")]
    Runtime(#[source] std::io::Error),
}

impl ApiError {
    /// Whether the failure may go away on its own (worth running the crawl again later).
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Status { status, .. } => *status == 429 || *status >= 500,
            ApiError::Maxlag { .. } | ApiError::Timeout { .. } | ApiError::Transport { .. } => true,
            _ => false,
        }
    }
}
