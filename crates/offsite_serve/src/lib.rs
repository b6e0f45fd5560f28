//! `offsite serve`: the CSP report collector.
