//! `offsite csp evaluate`: the checks of Google's CSP Evaluator, and what a policy breaks or lets through on a scan.
