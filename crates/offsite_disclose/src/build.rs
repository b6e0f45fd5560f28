//! From a scan's loads to notices: group by subject, keep the outside hosts,
//! say what each receives and when.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use offsite_model::{
    Consent, ConsentKind, ExposureKind, GadgetPages, ReportedLoad, Resolution, Tier,
};

use crate::{
    Data, Exposure, LoadRef, Notice, Reason, Recipient, Subject, SubjectKind, Undetermined, When,
};

/// What [`build`] covers.
#[derive(Debug, Clone)]
pub struct Options {
    /// Gadget membership from the gadget definitions, when the scan read
    /// them; otherwise a `MediaWiki:Gadget-<name>.<ext>` page is taken to be
    /// gadget `<name>`.
    pub gadgets: GadgetPages,
    /// A user script gets a notice only when at least this many entry points
    /// (its owner, importers, gadgets) run it. Applies only where the scan
    /// knows the exposure; without it every user script gets one.
    pub min_user_script_entry_points: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            gadgets: GadgetPages::new(),
            // 2: someone besides the owner runs it ("widely imported" starts
            // where the owner is no longer the only reader at risk).
            min_user_script_entry_points: 2,
        }
    }
}

/// The subjects a load's page belongs to (a page shared by two gadgets is in
/// both notices).
fn subjects_of(load: &ReportedLoad, options: &Options) -> Vec<(SubjectKind, String)> {
    let Some(title) = load.source.title.as_deref() else {
        let path = load.source.path.clone().unwrap_or_default();
        return vec![(SubjectKind::File, path)];
    };
    let gadgets: Vec<(SubjectKind, String)> = options
        .gadgets
        .gadgets_of(title)
        .map(|g| (SubjectKind::Gadget, g.to_owned()))
        .collect();
    if !gadgets.is_empty() {
        return gadgets;
    }
    if let Some(rest) = title.strip_prefix("MediaWiki:") {
        if options.gadgets.is_empty()
            && let Some(name) = rest.strip_prefix("Gadget-")
        {
            let name = name
                .rsplit_once('.')
                .map_or(name, |(stem, _)| stem)
                .to_owned();
            return vec![(SubjectKind::Gadget, name)];
        }
        return vec![(SubjectKind::SiteScript, title.to_owned())];
    }
    if load.source.namespace == Some(2) || title.starts_with("User:") {
        return vec![(SubjectKind::UserScript, title.to_owned())];
    }
    vec![(SubjectKind::SiteScript, title.to_owned())]
}

fn when_of(load: &ReportedLoad) -> When {
    match (load.consent, load.consent_kind) {
        (Consent::Ungated, _) => When::EveryPageView,
        (Consent::Gated, Some(ConsentKind::Action)) => When::AfterClick,
        (Consent::Gated, Some(ConsentKind::Confirm)) => When::AfterConfirm,
        (Consent::Gated, Some(ConsentKind::Preference)) => When::AfterOptIn,
        (Consent::Gated, None) => When::AfterAction,
        (Consent::Unknown, _) => When::Undetermined,
    }
}

fn load_ref(load: &ReportedLoad) -> LoadRef {
    LoadRef {
        page: load
            .source
            .title
            .clone()
            .or_else(|| load.source.path.clone())
            .unwrap_or_default(),
        line: load.line,
        api: load.api.clone(),
        sink: load.sink,
        when: when_of(load),
    }
}

/// Query parameter names written literally in the URL (`?q=${…}&lang=en` →
/// `lang`, `q`): what the request visibly carries.
fn url_fields(url: &str) -> impl Iterator<Item = String> + '_ {
    let query = url
        .split_once('?')
        .map_or("", |(_, q)| q.split('#').next().unwrap_or(""));
    query.split('&').filter_map(|pair| {
        let name = pair.split('=').next().unwrap_or("");
        // A run-time part (`${…}`) is not a field name anyone can read.
        (!name.is_empty() && !name.contains("${")).then(|| name.to_owned())
    })
}

/// Most exposed first: every reader over logged-in over counted users (more
/// users first).
fn more_exposed(a: &Exposure, b: &Exposure) -> bool {
    (a.kind, Reverse(a.users)) < (b.kind, Reverse(b.users))
}

#[derive(Default)]
struct Draft {
    pages: BTreeSet<String>,
    exposure: Option<Exposure>,
    entry_points: Option<usize>,
    recipients: BTreeMap<(TierOrder, String), Recipient>,
    undetermined: Vec<Undetermined>,
}

/// Third party before WMCS before hosts of unknown tier in a notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct TierOrder(u8);

fn tier_order(tier: Tier) -> TierOrder {
    TierOrder(match tier {
        Tier::ThirdParty => 0,
        Tier::Wmcs => 1,
        Tier::Unknown => 2,
        Tier::FirstParty => 3,
    })
}

fn add(draft: &mut Draft, load: &ReportedLoad) {
    draft.pages.insert(load_ref(load).page);
    if let Some(e) = &load.exposure {
        let exposure = Exposure {
            kind: e.kind,
            label: e.label.clone(),
            users: e.users,
        };
        if draft
            .exposure
            .as_ref()
            .is_none_or(|old| more_exposed(&exposure, old))
        {
            draft.exposure = Some(exposure);
        }
        draft.entry_points = Some(draft.entry_points.unwrap_or(0).max(e.entry_points));
    }
    match (load.tier, &load.host) {
        // The wiki itself and its operator's production hosts are not outside
        // parties; a module load never leaves the wiki.
        (Tier::FirstParty, _) => {}
        // A known host of unknown tier is still someone outside the wiki
        // who gets the request; the notice says its kind is not known.
        (tier, Some(host)) => {
            let recipient = draft
                .recipients
                .entry((tier_order(tier), host.clone()))
                .or_insert_with(|| Recipient {
                    host: host.clone(),
                    entity: None,
                    tier,
                    receives: Vec::new(),
                    url_fields: Vec::new(),
                    when: Vec::new(),
                    loads: Vec::new(),
                });
            if recipient.entity.is_none() {
                recipient.entity.clone_from(&load.entity);
            }
            recipient.receives.extend(Data::of_sink(load.sink));
            if let Some(url) = &load.url {
                recipient.url_fields.extend(url_fields(url));
            }
            recipient.when.push(when_of(load));
            recipient.loads.push(load_ref(load));
        }
        _ => draft.undetermined.push(Undetermined {
            reason: if load.resolution == Resolution::Dynamic {
                Reason::DynamicUrl
            } else {
                Reason::UnknownHost
            },
            load: load_ref(load),
            expr: load.dynamic_expr.clone(),
        }),
    }
}

fn sorted_unique<T: Ord>(v: &mut Vec<T>) {
    v.sort();
    v.dedup();
}

/// The notices for a scan's loads: one per subject that makes the browser
/// contact an outside host or loads from one offsite could not work out.
/// Sorted by subject kind (site scripts, gadgets, user scripts, files) and
/// name.
pub fn build(loads: &[ReportedLoad], options: &Options) -> Vec<Notice> {
    let mut drafts: BTreeMap<(SubjectKind, String), Draft> = BTreeMap::new();
    for load in loads {
        for key in subjects_of(load, options) {
            add(drafts.entry(key).or_default(), load);
        }
    }
    drafts
        .into_iter()
        .filter(|((kind, _), d)| {
            *kind != SubjectKind::UserScript
                || d.entry_points
                    .is_none_or(|n| n >= options.min_user_script_entry_points)
        })
        .filter(|(_, d)| !d.recipients.is_empty() || !d.undetermined.is_empty())
        .map(|((kind, name), d)| {
            let recipients = d
                .recipients
                .into_values()
                .map(|mut r| {
                    sorted_unique(&mut r.receives);
                    sorted_unique(&mut r.url_fields);
                    sorted_unique(&mut r.when);
                    r.loads.sort();
                    r
                })
                .collect();
            let mut undetermined = d.undetermined;
            undetermined.sort_by(|a, b| a.load.cmp(&b.load));
            Notice {
                subject: Subject {
                    kind,
                    name,
                    pages: d.pages.into_iter().collect(),
                },
                exposure: d.exposure.filter(|e| e.kind != ExposureKind::Unknown),
                recipients,
                undetermined,
            }
        })
        .collect()
}
