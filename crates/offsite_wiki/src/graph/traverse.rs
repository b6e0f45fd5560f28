//! Walking the graph: depth from the entry points, who reaches what, cycles,
//! and the chains of loads that lead to a node. Every walk is iterative, so
//! a long chain of imports cannot overflow the stack, and keeps a visited set,
//! so import cycles end.

use std::collections::{BTreeSet, VecDeque};

use super::{ImportGraph, Node};

/// At most this many chains are returned by [`ImportGraph::chains_to`].
pub const MAX_CHAINS: usize = 64;
/// Chains longer than this many nodes are not followed.
pub const MAX_CHAIN_LEN: usize = 24;

impl ImportGraph {
    /// Ids of the nodes MediaWiki loads by itself.
    pub fn entry_points(&self) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|&id| self.entries[id].is_some())
            .collect()
    }

    /// Per node, the fewest loads between an entry point and it (0 for the
    /// entry points themselves); `None` for nodes no entry point reaches.
    pub fn depths(&self) -> Vec<Option<u32>> {
        let mut depth = vec![None; self.nodes.len()];
        let mut queue = VecDeque::new();
        for id in self.entry_points() {
            depth[id] = Some(0);
            queue.push_back(id);
        }
        while let Some(id) = queue.pop_front() {
            let next = depth[id].map_or(0, |d: u32| d.saturating_add(1));
            for e in self.outgoing(id) {
                if depth[e.to].is_none() {
                    depth[e.to] = Some(next);
                    queue.push_back(e.to);
                }
            }
        }
        depth
    }

    /// Per node, the entry points whose loads reach it, itself included when
    /// it is one. The cost is the sum of the entry points' reachable sets.
    pub fn reached_by(&self) -> Vec<Vec<usize>> {
        let mut reached: Vec<Vec<usize>> = vec![Vec::new(); self.nodes.len()];
        let mut seen = vec![usize::MAX; self.nodes.len()];
        let mut stack = Vec::new();
        for entry in self.entry_points() {
            stack.push(entry);
            seen[entry] = entry;
            while let Some(id) = stack.pop() {
                reached[id].push(entry);
                for e in self.outgoing(id) {
                    if seen[e.to] != entry {
                        seen[e.to] = entry;
                        stack.push(e.to);
                    }
                }
            }
        }
        reached
    }

    /// Nodes no entry point reaches: code nothing loads (or loads only through
    /// a run-time computed name).
    pub fn orphans(&self) -> Vec<usize> {
        self.depths()
            .iter()
            .enumerate()
            .filter_map(|(id, d)| d.is_none().then_some(id))
            .collect()
    }

    /// Import cycles: strongly connected components of two or more nodes, or
    /// a node that loads itself. Each cycle lists its node ids in ascending
    /// order; cycles are sorted by their first id.
    pub fn cycles(&self) -> Vec<Vec<usize>> {
        let n = self.nodes.len();
        // Kosaraju: finish order on the graph, then components on the reverse.
        let mut order = Vec::with_capacity(n);
        let mut visited = vec![false; n];
        for start in 0..n {
            if visited[start] {
                continue;
            }
            visited[start] = true;
            let mut stack = vec![(start, 0usize)];
            while let Some((id, next)) = stack.last_mut() {
                let id = *id;
                if let Some(&edge) = self.out[id].get(*next) {
                    *next += 1;
                    let to = self.edges[edge].to;
                    if !visited[to] {
                        visited[to] = true;
                        stack.push((to, 0));
                    }
                } else {
                    order.push(id);
                    stack.pop();
                }
            }
        }
        let mut component = vec![usize::MAX; n];
        let mut cycles = Vec::new();
        for &root in order.iter().rev() {
            if component[root] != usize::MAX {
                continue;
            }
            let mut members = vec![root];
            component[root] = root;
            let mut stack = vec![root];
            while let Some(id) = stack.pop() {
                for e in self.incoming(id) {
                    if component[e.from] == usize::MAX {
                        component[e.from] = root;
                        members.push(e.from);
                        stack.push(e.from);
                    }
                }
            }
            let self_loop = || self.outgoing(root).any(|e| e.to == root);
            if members.len() > 1 || self_loop() {
                members.sort_unstable();
                cycles.push(members);
            }
        }
        cycles.sort();
        cycles
    }

    /// Every simple chain of loads from an entry point to `target`, shortest
    /// first, at most [`MAX_CHAINS`] of at most [`MAX_CHAIN_LEN`] nodes. A
    /// chain may pass through other entry points (Alice's `common.js` imports
    /// Bob's, which imports the target). Empty when the node is not in the
    /// graph or no entry point reaches it.
    pub fn chains_to(&self, target: &Node) -> Vec<Vec<Node>> {
        let Some(target) = self.node_id(target) else {
            return Vec::new();
        };
        // Collect more than we return so that sorting by length keeps the
        // short chains a depth-first walk may find late.
        let budget = MAX_CHAINS * 8;
        let mut found: BTreeSet<(usize, Vec<usize>)> = BTreeSet::new();
        let mut on_path = vec![false; self.nodes.len()];
        // The path grows backwards from the target along incoming edges.
        let mut path = vec![target];
        on_path[target] = true;
        let mut cursor = vec![0usize];
        if self.entries[target].is_some() {
            found.insert((1, vec![target]));
        }
        while let Some(next) = cursor.last_mut() {
            let id = *path.last().unwrap_or(&target);
            let preds = &self.inc[id];
            if found.len() >= budget || *next >= preds.len() || path.len() >= MAX_CHAIN_LEN {
                on_path[id] = false;
                path.pop();
                cursor.pop();
                continue;
            }
            let from = self.edges[preds[*next]].from;
            *next += 1;
            if on_path[from] {
                continue;
            }
            on_path[from] = true;
            path.push(from);
            cursor.push(0);
            if self.entries[from].is_some() {
                let chain: Vec<usize> = path.iter().rev().copied().collect();
                found.insert((chain.len(), chain));
            }
        }
        found
            .into_iter()
            .take(MAX_CHAINS)
            .map(|(_, chain)| chain.into_iter().map(|id| self.nodes[id].clone()).collect())
            .collect()
    }
}
