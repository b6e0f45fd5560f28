//! Bar charts drawn as inline SVG: no script, no outside asset, colours from
//! the page's stylesheet (classes, not `style` attributes, which the report's
//! CSP forbids).

use std::fmt::Write as _;

use offsite_model::Tier;

use crate::escape::html;

const WIDTH: usize = 460;
const LABEL: usize = 170;
const ROW: usize = 22;
/// Room right of the longest bar for its count.
const COUNT: usize = 44;

/// One bar: a label and its segments, each a tier and a count.
pub struct Bar {
    pub label: String,
    pub segments: Vec<(Tier, usize)>,
}

impl Bar {
    fn total(&self) -> usize {
        self.segments.iter().map(|s| s.1).sum()
    }
}

/// A horizontal stacked bar chart titled `title`, one row per bar.
pub fn stacked(title: &str, bars: &[Bar]) -> String {
    let max = bars.iter().map(Bar::total).max().unwrap_or(0).max(1);
    let height = bars.len().max(1) * ROW + 8;
    let span = WIDTH - LABEL - COUNT;
    let mut svg = format!(
        "<svg class=\"chart\" role=\"img\" aria-label=\"{t}\" width=\"{WIDTH}\" \
         height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\" \
         xmlns=\"http://www.w3.org/2000/svg\"><title>{t}</title>",
        t = html(title)
    );
    if bars.is_empty() {
        svg.push_str("<text x=\"0\" y=\"16\">nothing to show</text>");
    }
    for (i, bar) in bars.iter().enumerate() {
        let y = i * ROW + 4;
        // Writing to a String cannot fail.
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            LABEL - 6,
            y + 14,
            html(&clip(&bar.label, 24))
        );
        let mut x = LABEL;
        for &(tier, count) in &bar.segments {
            let w = (count * span).div_ceil(max);
            if w == 0 {
                continue;
            }
            let _ = write!(
                svg,
                "<rect class=\"bar-{tier}\" x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{}\">\
                 <title>{}: {count} {tier}</title></rect>",
                ROW - 6,
                html(&bar.label)
            );
            x += w;
        }
        let _ = write!(
            svg,
            "<text class=\"count\" x=\"{}\" y=\"{}\">{}</text>",
            x + 4,
            y + 14,
            bar.total()
        );
    }
    svg.push_str("</svg>");
    svg
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// The colour key of the tiers.
pub fn legend() -> String {
    let mut out = String::from("<div class=\"legend\">");
    for tier in [
        Tier::ThirdParty,
        Tier::Wmcs,
        Tier::Unknown,
        Tier::FirstParty,
    ] {
        let _ = write!(
            out,
            "<span><span class=\"key key-{tier}\"></span>{tier}</span>"
        );
    }
    out.push_str("</div>");
    out
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    reason = "in tests a panic on None or Err is the failed assertion"
)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_labels_are_escaped() {
        let bars = [
            Bar {
                label: "<b>x</b>".to_owned(),
                segments: vec![(Tier::ThirdParty, 2), (Tier::FirstParty, 2)],
            },
            Bar {
                label: "y".to_owned(),
                segments: vec![(Tier::Wmcs, 1)],
            },
        ];
        let svg = stacked("t", &bars);
        assert!(svg.contains("&lt;b&gt;x&lt;/b&gt;"), "{svg}");
        assert!(!svg.contains("<b>"), "{svg}");
        let span = WIDTH - LABEL - COUNT;
        assert!(svg.contains(&format!("width=\"{}\"", span / 2)), "{svg}");
        assert!(
            svg.contains(&format!("width=\"{}\"", span.div_ceil(4))),
            "{svg}"
        );
        assert_eq!(svg.matches("<rect").count(), 3);
    }
}
