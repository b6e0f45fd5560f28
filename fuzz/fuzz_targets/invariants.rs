// Shared by every target: what must hold for any input.

use offsite_model::Load;

/// Offsets inside the text, start before end, sorted by start.
pub fn check(text: &str, loads: &[Load]) {
    for load in loads {
        assert!(load.start <= load.end, "start after end: {load:?}");
        assert!(load.end as usize <= text.len(), "end past the text: {load:?}");
    }
    assert!(loads.windows(2).all(|w| w[0].start <= w[1].start), "loads not sorted");
}
