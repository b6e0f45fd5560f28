//! Several literal values for one URL: `cond ? 'https://a' : 'https://b'`,
//! `opts.cdn || 'https://c'`, a variable assigned different URLs in different
//! branches, `LIST[key]` over an object or array literal. Plain folding
//! merges such values into their common prefix (an empty host when they
//! differ); here each combination of choices is folded on its own, so that a
//! load can be reported once per candidate host.
//!
//! A run of the folder records the choice points it meets; later runs fix
//! some of them to another branch. Bounded: at most [`MAX_RUNS`] folds and
//! [`MAX_CANDIDATES`] distinct results, else no candidates at all.

use std::collections::HashMap;

use oxc::ast::ast::Expression;
use oxc::span::GetSpan;

use super::fold::Folded;
use super::resolve::Resolver;

const MAX_RUNS: usize = 24;
const MAX_CANDIDATES: usize = 8;

/// The choices of one folding run.
#[derive(Debug, Default)]
pub(super) struct Choices {
    /// Choice point (source offset) → branch taken; unset points take 0.
    chosen: HashMap<u32, usize>,
    /// Points met in this run with their number of branches, in order.
    seen: Vec<(u32, usize)>,
}

impl Choices {
    /// The branch to take at the point at `at` with `arity` branches.
    pub(super) fn choose(&mut self, at: u32, arity: usize) -> usize {
        if !self.seen.iter().any(|&(p, _)| p == at) {
            self.seen.push((at, arity));
        }
        self.chosen.get(&at).copied().unwrap_or(0).min(arity - 1)
    }
}

impl<'a> Resolver<'_, 'a> {
    /// The branch to take at a choice point, when candidates are being
    /// enumerated; `None` in a plain fold.
    pub(super) fn choose(&mut self, at: u32, arity: usize) -> Option<usize> {
        if arity == 0 {
            return None;
        }
        self.choices.as_mut().map(|c| c.choose(at, arity))
    }

    /// Every distinct way `expr` folds when each choice point takes each of
    /// its branches; empty when there is no choice point, or too many.
    pub(super) fn fold_candidates(&mut self, expr: &'a Expression<'a>) -> Vec<Folded> {
        if self.choices.is_some() {
            return Vec::new();
        }
        let memo = std::mem::take(&mut self.folds);
        let mut out: Vec<Folded> = Vec::new();
        let mut work: Vec<HashMap<u32, usize>> = vec![HashMap::new()];
        let mut runs = 0;
        let mut overflow = false;
        while let Some(chosen) = work.pop() {
            runs += 1;
            if runs > MAX_RUNS {
                overflow = true;
                break;
            }
            self.choices = Some(Choices {
                chosen: chosen.clone(),
                seen: Vec::new(),
            });
            self.folds.clear();
            let folded = self.fold(expr);
            let seen = self.choices.take().map(|c| c.seen).unwrap_or_default();
            if !out.iter().any(|f| f.text == folded.text) {
                out.push(folded);
                if out.len() > MAX_CANDIDATES {
                    overflow = true;
                    break;
                }
            }
            // This run is every unset point at branch 0; spawn the others
            // without repeating a combination.
            let mut base = chosen;
            for (point, arity) in seen {
                if base.contains_key(&point) {
                    continue;
                }
                for branch in 1..arity {
                    let mut next = base.clone();
                    next.insert(point, branch);
                    work.push(next);
                }
                base.insert(point, 0);
            }
        }
        self.choices = None;
        self.folds = memo;
        if overflow || out.len() < 2 {
            return Vec::new();
        }
        out
    }
}

/// What tells two candidates apart for a load: their host, or that they
/// are relative to the wiki (`None, true`), or unknown.
type TargetKey = (Option<String>, bool);

fn target_key(text: &str) -> TargetKey {
    let parts = offsite_model::split_url(text);
    (parts.host, parts.relative)
}

impl<'a> super::sinks::Scanner<'_, 'a> {
    /// The candidates of a load's URL when plain folding could not settle
    /// one: one folded value per distinct host (or the wiki itself), in the
    /// order first met; candidates whose host is unknown are left out when
    /// another is known. Empty when there is nothing to choose from.
    pub(super) fn candidate_targets(
        &mut self,
        target: &'a Expression<'a>,
        folded: &Folded,
    ) -> Vec<Folded> {
        if folded.dynamic.is_none() || folded.param.is_some() {
            return Vec::new();
        }
        let all = self.r.fold_candidates(target);
        // A branch that is a helper's parameter is decided by its callers,
        // which plain folding follows: no split here.
        if all.iter().any(|c| c.param.is_some()) {
            return Vec::new();
        }
        let mut distinct: Vec<(TargetKey, Vec<Folded>)> = Vec::new();
        for candidate in all {
            let key = target_key(&candidate.text);
            // `opts.cdn || 'https://cdn.example'`: the run-time value is
            // unknown, the default is what a reader can tell; keep the known.
            if key.0.is_none() && !key.1 {
                continue;
            }
            match distinct.iter_mut().find(|(k, _)| *k == key) {
                Some((_, same)) => same.push(candidate),
                None => distinct.push((key, vec![candidate])),
            }
        }
        if let [(key, _)] = distinct.as_slice()
            && *key == target_key(&folded.text)
        {
            // Plain folding already tells the one place: keep its text.
            return Vec::new();
        }
        distinct
            .into_iter()
            .filter_map(|(key, same)| {
                // Several paths on one host: their common prefix, unless that
                // loses the host (`http://h` and `https://h` share `http`).
                let merged = super::flow::merge(&same, false, target.span())?;
                if target_key(&merged.text) == key {
                    Some(merged)
                } else {
                    same.into_iter().next()
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_start_at_zero_and_remember_points() {
        let mut c = Choices::default();
        assert_eq!(c.choose(10, 2), 0);
        assert_eq!(c.choose(10, 2), 0);
        c.chosen.insert(20, 5);
        assert_eq!(c.choose(20, 3), 2, "clamped to the last branch");
        assert_eq!(c.seen, vec![(10, 2), (20, 3)]);
    }

    #[test]
    fn target_keys_tell_hosts_and_the_wiki_apart() {
        assert_eq!(
            target_key("https://a.example/x"),
            (Some("a.example".into()), false)
        );
        assert_eq!(target_key("./bundle.js"), (None, true));
        assert_eq!(target_key("${…}/x"), (None, false));
    }
}
