//! The scan pipeline, moved out of the `offsite` binary.

pub mod request;
pub mod wiki;
