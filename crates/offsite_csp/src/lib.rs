//! Content-Security-Policy: model, matching, evaluation, diffs, generation.
