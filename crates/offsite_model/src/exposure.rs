//! Who runs a load, as reports carry it, and the key reports are ranked by.
//!
//! The wiki crate works exposure out from a wiki's import graph (entry
//! points, gadgets, users' own scripts) and hands it over as a
//! [`LoadExposure`]: plain data, so every report format can show it without
//! knowing the graph. [`RankKey`] orders loads by exposure × sink severity ×
//! consent; [`RankKey::score`] squeezes it into SARIF's 0–100 `rank`.

use serde::{Deserialize, Serialize};

use crate::{Consent, Sink};

/// The audience of the page a load is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExposureKind {
    /// Every reader, logged out included: site scripts, default gadgets.
    EveryReader,
    /// Logged-in users holding some rights or in some groups (see
    /// [`LoadExposure::rights`] and [`LoadExposure::groups`]).
    LoggedIn,
    /// A counted set of users: opt-in gadgets and users' own scripts.
    Users,
    /// No entry point reaches the page.
    Nobody,
    /// The page is not in the import graph, so nothing is known.
    Unknown,
}

impl ExposureKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EveryReader => "every-reader",
            Self::LoggedIn => "logged-in",
            Self::Users => "users",
            Self::Nobody => "nobody",
            Self::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for ExposureKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who runs the page a load is in, for wiki sources. `None` on a
/// [`crate::ReportedLoad`] scanned from plain files.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LoadExposure {
    pub kind: ExposureKind,
    /// For people: `every reader`, `logged-in (groups: sysop)`, `12 users`,
    /// `nobody`.
    pub label: String,
    /// Users who run the page: the count for [`ExposureKind::Users`] (an
    /// upper bound: a user who enabled a gadget and imports the page counts
    /// twice), 0 for [`ExposureKind::Nobody`], `None` where nobody counted
    /// (every reader, logged-in groups, unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<u64>,
    /// For [`ExposureKind::LoggedIn`]: the rights a default gadget requires,
    /// one entry per gadget, several rights joined by `+`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rights: Vec<String>,
    /// For [`ExposureKind::LoggedIn`]: the groups whose
    /// `MediaWiki:Group-<group>.js|css` reaches the page; `user` means every
    /// logged-in user.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// How many entry points (site scripts, gadgets, users' own scripts)
    /// reach the page.
    #[serde(default)]
    pub entry_points: usize,
    /// Fewest loads from an entry point to the page (0: it is one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depth: Option<u32>,
    /// A gadget that reaches the page can be run by any reader with
    /// `?withgadget=` (`supportsUrlLoad`), e.g. through a crafted link.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub url_loadable: bool,
}

impl LoadExposure {
    /// An exposure of this kind with nothing else known.
    pub fn new(kind: ExposureKind, label: impl Into<String>) -> Self {
        Self {
            kind,
            label: label.into(),
            users: None,
            rights: Vec::new(),
            groups: Vec::new(),
            entry_points: 0,
            depth: None,
            url_loadable: false,
        }
    }

    /// The page is not in the graph.
    pub fn unknown() -> Self {
        Self::new(ExposureKind::Unknown, "unknown")
    }

    /// 4 every reader, 3 every logged-in user (group `user`), 2 logged-in
    /// users with some right or group, 1 counted users, 0 nobody. An unknown
    /// exposure ranks with nobody: no entry point was seen to reach it.
    pub fn level(&self) -> u8 {
        match self.kind {
            ExposureKind::EveryReader => 4,
            ExposureKind::LoggedIn if self.groups.iter().any(|g| g == "user") => 3,
            ExposureKind::LoggedIn => 2,
            ExposureKind::Users => 1,
            ExposureKind::Nobody | ExposureKind::Unknown => 0,
        }
    }
}

/// Sort key for reports: sort descending. Lexicographic on
/// (exposure level, user count, sink severity, consent), so every reader >
/// all logged-in users > logged-in users with some right or group > N users
/// (by N) > nobody; within a level, executable sinks before styles and
/// frames, before data and fonts, before images; ungated before unknown
/// before gated.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
pub struct RankKey {
    /// 4 every reader, 3 all logged-in, 2 some logged-in, 1 users, 0 nobody
    /// ([`LoadExposure::level`]).
    pub exposure: u8,
    /// Users for the users level, else 0.
    pub users: u64,
    /// 4 script/JSONP/worker, 3 style/iframe, 2 data/font/form, 1 image/media/other, 0 module.
    pub sink: u8,
    /// 2 ungated, 1 unknown, 0 gated.
    pub consent: u8,
}

impl RankKey {
    pub fn new(exposure: &LoadExposure, sink: Sink, consent: Consent) -> Self {
        let level = exposure.level();
        Self {
            exposure: level,
            users: if level == 1 {
                exposure.users.unwrap_or(0)
            } else {
                0
            },
            sink: sink_severity(sink),
            consent: match consent {
                Consent::Ungated => 2,
                Consent::Unknown => 1,
                Consent::Gated => 0,
            },
        }
    }

    /// The key as a priority from 0 to 100, SARIF's `result.rank`
    /// (§3.27.24: higher is more important). Each exposure level has a band
    /// (nobody 0–14, users 15–50, some logged-in 56–70, all logged-in 71–85,
    /// every reader 86–100); within a band the sink and consent place the
    /// load. In the users band only the count's order of magnitude counts
    /// (0, 1–9, 10–99, …, 1,000,000 and more, five points apart): the count
    /// comes before the sink in the key, so a sink could only be added to
    /// the score by letting 9 users with a script outscore 10 with an image.
    /// The score never decreases as the key grows; keys that differ only
    /// below that resolution tie.
    pub fn score(self) -> u8 {
        let within = self.sink.min(4) * 3 + self.consent.min(2);
        match self.exposure {
            0 => within,
            1 => {
                let magnitude = match self.users {
                    0 => 0,
                    n => u8::try_from(n.ilog10() + 1).unwrap_or(u8::MAX).min(7),
                };
                15 + magnitude * 5
            }
            2 => 56 + within,
            3 => 71 + within,
            _ => 86 + within,
        }
    }
}

/// How much a kind of load can do to the page that runs it.
pub fn sink_severity(sink: Sink) -> u8 {
    match sink {
        Sink::Script | Sink::Jsonp | Sink::Worker => 4,
        Sink::Style | Sink::Iframe => 3,
        Sink::Fetch
        | Sink::Xhr
        | Sink::Websocket
        | Sink::Eventsource
        | Sink::Beacon
        | Sink::Font
        | Sink::Form => 2,
        Sink::Image | Sink::Media | Sink::Prefetch | Sink::Other => 1,
        Sink::Module => 0,
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "in tests a panic on None or Err is the failed assertion"
)]
mod tests {
    use super::*;

    fn exposure(kind: ExposureKind, users: Option<u64>, groups: &[&str]) -> LoadExposure {
        LoadExposure {
            users,
            groups: groups.iter().map(|g| (*g).to_owned()).collect(),
            ..LoadExposure::new(kind, "x")
        }
    }

    fn all_keys() -> Vec<RankKey> {
        let audiences = [
            exposure(ExposureKind::Nobody, Some(0), &[]),
            exposure(ExposureKind::Unknown, None, &[]),
            exposure(ExposureKind::Users, Some(0), &[]),
            exposure(ExposureKind::Users, Some(1), &[]),
            exposure(ExposureKind::Users, Some(9), &[]),
            exposure(ExposureKind::Users, Some(10), &[]),
            exposure(ExposureKind::Users, Some(4_321), &[]),
            exposure(ExposureKind::Users, Some(u64::MAX), &[]),
            exposure(ExposureKind::LoggedIn, None, &["sysop"]),
            exposure(ExposureKind::LoggedIn, None, &["sysop", "user"]),
            exposure(ExposureKind::EveryReader, None, &[]),
        ];
        let consents = [Consent::Gated, Consent::Unknown, Consent::Ungated];
        let mut keys = Vec::new();
        for a in &audiences {
            for sink in Sink::ALL {
                for consent in consents {
                    keys.push(RankKey::new(a, sink, consent));
                }
            }
        }
        keys
    }

    #[test]
    fn score_never_decreases_as_the_key_grows_and_spans_0_to_100() {
        let mut keys = all_keys();
        keys.sort();
        for pair in keys.windows(2) {
            assert!(
                pair[0].score() <= pair[1].score(),
                "{:?} scores {} but {:?} scores {}",
                pair[0],
                pair[0].score(),
                pair[1],
                pair[1].score()
            );
        }
        assert_eq!(keys.first().unwrap().score(), 0);
        assert_eq!(keys.last().unwrap().score(), 100);
        assert!(keys.iter().all(|k| k.score() <= 100));
    }

    #[test]
    fn each_level_has_its_own_band() {
        let band = |level: u8| -> (u8, u8) {
            let scores: Vec<u8> = all_keys()
                .into_iter()
                .filter(|k| k.exposure == level)
                .map(RankKey::score)
                .collect();
            (*scores.iter().min().unwrap(), *scores.iter().max().unwrap())
        };
        let bands: Vec<(u8, u8)> = (0..=4).map(band).collect();
        for pair in bands.windows(2) {
            assert!(pair[0].1 < pair[1].0, "bands overlap: {bands:?}");
        }
    }

    #[test]
    fn levels_follow_the_audience() {
        let level = |kind, groups: &[&str]| exposure(kind, None, groups).level();
        assert_eq!(level(ExposureKind::EveryReader, &[]), 4);
        assert_eq!(level(ExposureKind::LoggedIn, &["user"]), 3);
        assert_eq!(level(ExposureKind::LoggedIn, &["sysop"]), 2);
        assert_eq!(level(ExposureKind::Users, &[]), 1);
        assert_eq!(level(ExposureKind::Nobody, &[]), 0);
        assert_eq!(level(ExposureKind::Unknown, &[]), 0);
        let many = RankKey::new(
            &exposure(ExposureKind::Users, Some(50), &[]),
            Sink::Image,
            Consent::Gated,
        );
        let few = RankKey::new(
            &exposure(ExposureKind::Users, Some(12), &[]),
            Sink::Script,
            Consent::Ungated,
        );
        assert!(many > few, "more users outrank a worse sink");
    }

    #[test]
    fn json_omits_what_is_not_known_and_reads_back() {
        let e = LoadExposure {
            users: Some(3),
            entry_points: 2,
            depth: Some(1),
            ..LoadExposure::new(ExposureKind::Users, "3 users")
        };
        let text = serde_json::to_string(&e).unwrap();
        assert_eq!(
            text,
            r#"{"kind":"users","label":"3 users","users":3,"entry_points":2,"depth":1}"#
        );
        assert_eq!(serde_json::from_str::<LoadExposure>(&text).unwrap(), e);
        let minimal: LoadExposure =
            serde_json::from_str(r#"{"kind":"every-reader","label":"every reader"}"#).unwrap();
        assert_eq!(
            minimal,
            LoadExposure::new(ExposureKind::EveryReader, "every reader")
        );
    }

    #[test]
    fn reported_loads_without_exposure_read_and_write_as_before() {
        // A load as `offsite scan --format json` wrote it before exposures.
        let old = r#"{"source":{"path":"a.js"},"line":1,"column":1,"end_line":1,
            "end_column":9,"api":"fetch","sink":"fetch","directive":"connect-src",
            "url":"https://x.example/","host":"x.example","page":null,"tier":"third-party",
            "entity":null,"resolution":"literal","dynamic_expr":null,"consent":"ungated",
            "consent_kind":null,"consent_reason":null,"findings":[]}"#;
        let mut load: crate::ReportedLoad = serde_json::from_str(old).unwrap();
        assert_eq!(load.exposure, None);
        assert_eq!(load.rank_key(), None);
        assert!(!serde_json::to_string(&load).unwrap().contains("exposure"));

        load.exposure = Some(LoadExposure::new(ExposureKind::EveryReader, "every reader"));
        let text = serde_json::to_string(&load).unwrap();
        let back: crate::ReportedLoad = serde_json::from_str(&text).unwrap();
        assert_eq!(back.exposure, load.exposure);
        assert_eq!(
            back.rank_key(),
            Some(RankKey {
                exposure: 4,
                users: 0,
                sink: 2,
                consent: 2
            })
        );
    }
}
