//! Consent gating: does a load run only after the user asked for it?
//! Placeholder until the real analysis lands: everything is `ungated`.

use offsite_model::{Consent, ConsentKind};
use oxc::semantic::{NodeId, Semantic};

use crate::Options;

/// The verdict for one load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gate {
    pub consent: Consent,
    pub kind: Option<ConsentKind>,
    /// What gates it (`click handler`, `confirm()`), or why it is unknown.
    pub reason: Option<String>,
}

/// Per-file consent analysis over oxc's semantic model (built with nodes).
pub struct ConsentAnalysis<'s, 'a> {
    semantic: &'s Semantic<'a>,
}

impl<'s, 'a> ConsentAnalysis<'s, 'a> {
    pub fn new(semantic: &'s Semantic<'a>, options: &Options) -> Self {
        let _ = options;
        Self { semantic }
    }

    /// Gate of the load performed by AST node `node` (the call, `new`
    /// expression or assignment that performs the load).
    pub fn gate(&self, node: NodeId) -> Gate {
        let _ = (self.semantic, node);
        Gate { consent: Consent::Ungated, kind: None, reason: None }
    }
}
