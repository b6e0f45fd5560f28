//! The Action API operations offsite needs, one method each, over [`ApiClient::call`].
//! Every query uses `formatversion=2` (pages as a list, content under `content`).

use std::collections::BTreeMap;

use serde_json::Value;
use tokio::task::JoinSet;

use crate::types::{
    Changes, Gadget, GadgetUsage, GadgetUsageList, Namespace, PageInfo, Removal, RemovedPage,
    SiteInfo, WikiPage,
};
use crate::{ApiClient, ApiError};

/// A continuation as the API sends it: every key must go back verbatim.
pub type Continuation = BTreeMap<String, String>;

/// `rvprop` of every content query.
const RVPROP: &str = "ids|timestamp|user|content|contentmodel|sha1";

impl ApiClient {
    /// `meta=siteinfo` (general and namespaces).
    pub async fn site_info(&self) -> Result<SiteInfo, ApiError> {
        let params = [
            ("action", "query".into()),
            ("meta", "siteinfo".into()),
            ("siprop", "general|namespaces".into()),
        ];
        let v = self.call(&params).await?;
        let shape = |what: &str| ApiError::Shape {
            request: "action=query meta=siteinfo".into(),
            what: what.into(),
        };
        let g = v
            .pointer("/query/general")
            .ok_or_else(|| shape("no query.general"))?;
        let s = |k: &str| g.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
        let mut namespaces: Vec<Namespace> = v
            .pointer("/query/namespaces")
            .and_then(Value::as_object)
            .ok_or_else(|| shape("no query.namespaces"))?
            .values()
            .filter_map(|n| {
                Some(Namespace {
                    id: n.get("id")?.as_i64()?,
                    name: n
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned(),
                    canonical: n
                        .get("canonical")
                        .and_then(Value::as_str)
                        .map(str::to_owned),
                })
            })
            .collect();
        namespaces.sort_by_key(|n| n.id);
        Ok(SiteInfo {
            wiki_id: s("wikiid"),
            site_name: s("sitename"),
            server: s("server"),
            server_name: s("servername"),
            script_path: s("scriptpath"),
            script: s("script"),
            article_path: s("articlepath"),
            generator: s("generator"),
            namespaces,
        })
    }

    /// Every page of a namespace with its content model (`generator=allpages&prop=info`),
    /// following continuation. Filter with [`is_wanted`](crate::is_wanted).
    pub async fn list_pages(&self, ns: i64) -> Result<Vec<PageInfo>, ApiError> {
        let mut out = Vec::new();
        let mut cont = None;
        loop {
            let (pages, next) = self.list_pages_batch(ns, cont.as_ref()).await?;
            out.extend(pages);
            match next {
                Some(c) => cont = Some(c),
                None => return Ok(out),
            }
        }
    }

    /// One listing request of at most `list_limit` pages, starting at `cont`; returns the
    /// continuation for the next request, `None` at the end.
    pub async fn list_pages_batch(
        &self,
        ns: i64,
        cont: Option<&Continuation>,
    ) -> Result<(Vec<PageInfo>, Option<Continuation>), ApiError> {
        let params = vec![
            ("action", "query".to_owned()),
            ("generator", "allpages".into()),
            ("gapnamespace", ns.to_string()),
            ("gaplimit", self.options().list_limit.to_string()),
            ("prop", "info".into()),
        ];
        let v = self.call(&with_continuation(&params, cont)).await?;
        let mut pages: Vec<PageInfo> = pages_of(&v).iter().filter_map(page_info).collect();
        // The generator's output is keyed by page id; listing order is by title.
        pages.sort_by(|a, b| a.title.cmp(&b.title));
        Ok((pages, continuation(&v)))
    }

    /// Content models of the given titles (`prop=info`); missing titles are left out.
    pub async fn page_infos(&self, titles: &[String]) -> Result<Vec<PageInfo>, ApiError> {
        let mut out = Vec::new();
        for chunk in titles.chunks(self.options().batch_size) {
            let params = [
                ("action", "query".into()),
                ("prop", "info".into()),
                ("titles", chunk.join("|")),
            ];
            let v = self.call(&params).await?;
            out.extend(pages_of(&v).iter().filter_map(page_info));
        }
        Ok(out)
    }

    /// The current revision of each title, in batches of `batch_size`, up to
    /// `max_concurrency` batches at once. Missing pages and pages whose text is hidden
    /// are left out. Results come in the order of `titles`' batches.
    pub async fn fetch_pages(&self, titles: &[String]) -> Result<Vec<WikiPage>, ApiError> {
        let chunks: Vec<Vec<String>> = titles
            .chunks(self.options().batch_size)
            .map(<[String]>::to_vec)
            .collect();
        let mut out = Vec::new();
        for window in chunks.chunks(self.options().max_concurrency) {
            let mut set = JoinSet::new();
            for (i, chunk) in window.iter().enumerate() {
                let client = self.clone();
                let chunk = chunk.clone();
                set.spawn(async move { (i, client.fetch_batch(&chunk).await) });
            }
            let mut results: Vec<(usize, Result<Vec<WikiPage>, ApiError>)> = Vec::new();
            while let Some(joined) = set.join_next().await {
                match joined {
                    Ok(r) => results.push(r),
                    // A fetch task cannot panic (no panicking code in it) and is never
                    // cancelled; should it happen, report it as a shape problem.
                    Err(e) => {
                        return Err(ApiError::Shape {
                            request: "fetch_pages".into(),
                            what: e.to_string(),
                        });
                    }
                }
            }
            results.sort_by_key(|(i, _)| *i);
            for (_, r) in results {
                out.extend(r?);
            }
        }
        Ok(out)
    }

    /// One content query for at most `batch_size` titles, following `rvcontinue` when the
    /// server splits big contents over several responses.
    pub async fn fetch_batch(&self, titles: &[String]) -> Result<Vec<WikiPage>, ApiError> {
        let mut pages: BTreeMap<String, WikiPage> = BTreeMap::new();
        let mut order: Vec<String> = Vec::new();
        let mut cont: Option<Continuation> = None;
        loop {
            let params = vec![
                ("action", "query".to_owned()),
                ("prop", "revisions".into()),
                ("rvprop", RVPROP.into()),
                ("rvslots", "main".into()),
                ("titles", titles.join("|")),
            ];
            let v = self
                .call(&with_continuation(&params, cont.take().as_ref()))
                .await?;
            for p in pages_of(&v) {
                if let Some(page) = wiki_page(p) {
                    if !pages.contains_key(&page.title) {
                        order.push(page.title.clone());
                    }
                    pages.insert(page.title.clone(), page);
                }
            }
            match continuation(&v) {
                Some(c) => cont = Some(c),
                None => break,
            }
        }
        Ok(order.into_iter().filter_map(|t| pages.remove(&t)).collect())
    }

    /// `list=gadgets` with ids, metadata and descriptions.
    pub async fn gadgets(&self) -> Result<Vec<Gadget>, ApiError> {
        let params = [
            ("action", "query".into()),
            ("list", "gadgets".into()),
            ("gaprop", "id|metadata|desc".into()),
        ];
        let v = self.call(&params).await?;
        let list = v
            .pointer("/query/gadgets")
            .and_then(Value::as_array)
            .ok_or_else(|| ApiError::Shape {
                request: "action=query list=gadgets".into(),
                what: "no query.gadgets (is the Gadgets extension installed?)".into(),
            })?;
        Ok(list
            .iter()
            .filter_map(|g| {
                let mut gadget = Gadget {
                    id: g.get("id")?.as_str()?.to_owned(),
                    description: g.get("desc").and_then(Value::as_str).map(str::to_owned),
                    ..Gadget::default()
                };
                // Lenient: a field of an unexpected type leaves that part at its default.
                if let Some(m) = g.get("metadata") {
                    gadget.settings = m
                        .get("settings")
                        .and_then(|s| serde_json::from_value(s.clone()).ok())
                        .unwrap_or_default();
                    gadget.module = m
                        .get("module")
                        .and_then(|s| serde_json::from_value(s.clone()).ok())
                        .unwrap_or_default();
                }
                Some(gadget)
            })
            .collect())
    }

    /// Special:GadgetUsage through `list=querypage`. Its fields are odd (see
    /// `SpecialGadgetUsage::getQueryInfo` in the Gadgets extension): `title` is the
    /// preference name `gadget-<id>` prefixed with a bogus namespace taken from `ns`;
    /// `value` is the sum of explicit preference values; `ns` is the active-user count,
    /// or `NS_GADGET` (2300) when active users are not tracked.
    pub async fn gadget_usage(&self) -> Result<GadgetUsageList, ApiError> {
        let mut out = GadgetUsageList {
            cached: false,
            cached_timestamp: None,
            entries: Vec::new(),
        };
        let mut cont: Option<Continuation> = None;
        loop {
            let params = vec![
                ("action", "query".to_owned()),
                ("list", "querypage".into()),
                ("qppage", "GadgetUsage".into()),
                ("qplimit", "max".into()),
            ];
            let v = self
                .call(&with_continuation(&params, cont.take().as_ref()))
                .await?;
            let qp = v
                .pointer("/query/querypage")
                .ok_or_else(|| ApiError::Shape {
                    request: "action=query list=querypage qppage=GadgetUsage".into(),
                    what: "no query.querypage".into(),
                })?;
            out.cached |= qp.get("cached").and_then(Value::as_bool).unwrap_or(false);
            if let Some(ts) = qp.get("cachedtimestamp").and_then(Value::as_str) {
                out.cached_timestamp = Some(ts.to_owned());
            }
            for r in qp
                .get("results")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(u) = gadget_usage_row(r) {
                    out.entries.push(u);
                }
            }
            match continuation(&v) {
                Some(c) => cont = Some(c),
                None => return Ok(out),
            }
        }
    }

    /// Titles in `namespaces` changed at or after `since` (ISO 8601, e.g.
    /// `2026-11-25T00:00:00Z`), from `list=recentchanges`, replayed oldest first so a
    /// page deleted and then re-created counts as changed. Recent changes only reach back
    /// `$wgRCMaxAge` (90 days on Wikimedia wikis); older changes are not seen. A move
    /// into these namespaces from another one is not seen either (the log entry sits in
    /// the source namespace).
    pub async fn recent_changes_since(
        &self,
        since: &str,
        namespaces: &[i64],
    ) -> Result<Changes, ApiError> {
        let ns_list = namespaces
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join("|");
        let mut state: BTreeMap<String, Option<Removal>> = BTreeMap::new();
        let mut cont: Option<Continuation> = None;
        loop {
            let params = vec![
                ("action", "query".to_owned()),
                ("list", "recentchanges".into()),
                ("rcstart", since.to_owned()),
                ("rcdir", "newer".into()),
                ("rcnamespace", ns_list.clone()),
                ("rcprop", "title|ids|timestamp|loginfo".into()),
                ("rctype", "edit|new|log".into()),
                ("rclimit", "max".into()),
            ];
            let v = self
                .call(&with_continuation(&params, cont.take().as_ref()))
                .await?;
            for rc in v
                .pointer("/query/recentchanges")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                apply_change(&mut state, rc, namespaces);
            }
            match continuation(&v) {
                Some(c) => cont = Some(c),
                None => break,
            }
        }
        let mut changes = Changes::default();
        for (title, removal) in state {
            match removal {
                None => changes.changed.push(title),
                Some(removal) => changes.removed.push(RemovedPage { title, removal }),
            }
        }
        Ok(changes)
    }
}

/// Folds one recent-changes row into the per-title state (`None` = exists, changed).
fn apply_change(state: &mut BTreeMap<String, Option<Removal>>, rc: &Value, namespaces: &[i64]) {
    let Some(title) = rc.get("title").and_then(Value::as_str) else {
        return;
    };
    let kind = rc.get("type").and_then(Value::as_str).unwrap_or("");
    if kind != "log" {
        state.insert(title.to_owned(), None);
        return;
    }
    let log_type = rc.get("logtype").and_then(Value::as_str).unwrap_or("");
    let action = rc.get("logaction").and_then(Value::as_str).unwrap_or("");
    let params = rc.get("logparams");
    match (log_type, action) {
        ("delete", "delete" | "delete_redir") => {
            state.insert(title.to_owned(), Some(Removal::Deleted));
        }
        ("delete", "restore") | ("import" | "contentmodel", _) => {
            state.insert(title.to_owned(), None);
        }
        ("move", _) => {
            let target = params
                .and_then(|p| p.get("target_title"))
                .and_then(Value::as_str);
            let target_ns = params
                .and_then(|p| p.get("target_ns"))
                .and_then(Value::as_i64);
            let no_redirect = params
                .and_then(|p| p.get("suppressredirect"))
                .is_some_and(|s| !matches!(s, Value::Bool(false)));
            let Some(target) = target else { return };
            // With a redirect left behind, the old title still holds a (redirect) page.
            let old = if no_redirect {
                Some(Removal::MovedTo(target.to_owned()))
            } else {
                None
            };
            state.insert(title.to_owned(), old);
            if target_ns.is_none_or(|ns| namespaces.contains(&ns)) {
                state.insert(target.to_owned(), None);
            }
        }
        _ => {}
    }
}

fn gadget_usage_row(r: &Value) -> Option<GadgetUsage> {
    let title = r.get("title")?.as_str()?;
    let at = title.to_ascii_lowercase().find("gadget-")?;
    let gadget = title[at + "gadget-".len()..].to_owned();
    let users = match r.get("value")? {
        Value::String(s) => s.parse().ok()?,
        Value::Number(n) => n.as_u64()?,
        _ => return None,
    };
    // NS_GADGET (2300) stands in when the wiki does not count active users.
    let active_users = r.get("ns").and_then(Value::as_u64).filter(|n| *n != 2300);
    Some(GadgetUsage {
        gadget,
        users,
        active_users,
    })
}

/// The request parameters plus every key of a continuation, sent back verbatim.
fn with_continuation(
    params: &[(&str, String)],
    cont: Option<&Continuation>,
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    out.extend(
        cont.into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), v.clone())),
    );
    out
}

fn pages_of(v: &Value) -> &[Value] {
    v.pointer("/query/pages")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn page_info(p: &Value) -> Option<PageInfo> {
    if p.get("missing").is_some() || p.get("invalid").is_some() {
        return None;
    }
    Some(PageInfo {
        title: p.get("title")?.as_str()?.to_owned(),
        ns: p.get("ns")?.as_i64()?,
        page_id: p.get("pageid")?.as_u64()?,
        content_model: p
            .get("contentmodel")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
    })
}

fn wiki_page(p: &Value) -> Option<WikiPage> {
    let rev = p.get("revisions")?.as_array()?.first()?;
    let main = rev.pointer("/slots/main")?;
    Some(WikiPage {
        title: p.get("title")?.as_str()?.to_owned(),
        ns: p.get("ns")?.as_i64()?,
        page_id: p.get("pageid")?.as_u64()?,
        revision: rev.get("revid")?.as_u64()?,
        timestamp: rev
            .get("timestamp")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        user: rev.get("user").and_then(Value::as_str).map(str::to_owned),
        content_model: main
            .get("contentmodel")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        // Absent when the text is hidden (`texthidden`) or not yet sent (`rvcontinue`).
        text: main.get("content")?.as_str()?.to_owned(),
        sha1: rev.get("sha1").and_then(Value::as_str).map(str::to_owned),
    })
}

fn continuation(v: &Value) -> Option<Continuation> {
    let c = v.get("continue")?.as_object()?;
    let map: Continuation = c
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                v.as_str().map_or_else(|| v.to_string(), str::to_owned),
            )
        })
        .collect();
    (!map.is_empty()).then_some(map)
}
