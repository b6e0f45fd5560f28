//! Attribution of new groups: the first report of a group is matched
//! against the loads of an `offsite scan --format json` inventory, and the
//! pages found are stored with the group. Runs in its own task, after the
//! reports are acknowledged.

use std::path::Path;
use std::sync::Arc;

use offsite_collect::attribute::{AttributionIndex, GadgetPages};
use offsite_store::Store;
use serde::Deserialize;
use tokio::sync::mpsc;

use crate::alerts::GroupAlert;
use crate::metrics::Metrics;
use crate::writer::NewGroup;
use crate::{ServeError, log};

/// The part of `offsite inventory --format json` gadget names come from.
#[derive(Debug, Deserialize)]
struct GadgetTable {
    rows: Vec<GadgetRow>,
}

#[derive(Debug, Deserialize)]
struct GadgetRow {
    page: String,
    gadget: Option<String>,
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path, what: &str) -> Result<T, ServeError> {
    let text = std::fs::read(path).map_err(|e| ServeError::Inventory {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    serde_json::from_slice(&text).map_err(|e| ServeError::Inventory {
        path: path.to_path_buf(),
        reason: format!(
            "not an `{what}` output: {e} (line {}, column {})",
            e.line(),
            e.column()
        ),
    })
}

/// Reads a scan (and optionally an inventory table naming gadgets) and
/// indexes its loads.
pub(crate) fn load_inventory(
    scan: &Path,
    gadgets: Option<&Path>,
) -> Result<AttributionIndex, ServeError> {
    let loads =
        offsite_report::saved::read_saved_scan(scan).map_err(|e| ServeError::Inventory {
            path: scan.to_path_buf(),
            reason: e.to_string(),
        })?;
    let gadget_pages: GadgetPages = match gadgets {
        Some(path) => {
            let table: GadgetTable = read_json(path, "offsite inventory --format json")?;
            table
                .rows
                .into_iter()
                .filter_map(|row| Some((row.page, row.gadget?)))
                .collect()
        }
        None => GadgetPages::default(),
    };
    Ok(AttributionIndex::from_loads(&loads, &gadget_pages))
}

pub(crate) struct Attributor {
    pub index: Option<AttributionIndex>,
    pub store: Arc<Store>,
    pub metrics: Arc<Metrics>,
    pub alerts: Option<mpsc::Sender<GroupAlert>>,
}

impl Attributor {
    pub(crate) async fn run(self, mut rx: mpsc::Receiver<NewGroup>) {
        while let Some(group) = rx.recv().await {
            let attributions = self
                .index
                .as_ref()
                .map(|index| index.attribute(&group.first))
                .unwrap_or_default();
            if !attributions.is_empty() {
                match self.store.set_attributions(group.id, &attributions).await {
                    Ok(()) => self.metrics.attributed(),
                    Err(e) => {
                        self.metrics.store_error();
                        log::error(&format!(
                            "storing the attribution of group {} failed: {e}",
                            group.id
                        ));
                    }
                }
            }
            if let Some(alerts) = &self.alerts {
                // A full alert queue means the webhook is far behind; the
                // group is in the store either way.
                let _ = alerts.try_send(GroupAlert::new(&group, attributions));
            }
        }
    }
}
