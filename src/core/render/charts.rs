//! The dashboard's horizontal bar chart as a standalone SVG string, so the app can show it
//! inline and export the same bytes as an `.svg` file (and, drawn on a canvas, as PNG).
//!
//! Labels are never cut: the label column is as wide as the longest label needs, up to a
//! limit, and a label longer than that wraps onto more lines (at " · ", spaces, ":" and
//! "-" where it can), its row growing to fit. Text width is estimated from the number of
//! characters, generously, since the SVG cannot measure its own text. The category axis
//! title sits over the labels, level, so a short chart cannot clip it.

use std::fmt::Write as _;

use crate::core::dashboard::Chart;

/// Escape text for SVG (XML) content and attribute values: labels are user data.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    crate::core::layout::escape_html_into(&mut out, text);
    out
}

/// The margin left of the labels.
const AXIS_W: usize = 8;
/// The estimated width of one character at the labels' 13 px, rounded up.
const CHAR_W: usize = 8;
const MIN_LABEL_W: usize = 120;
/// Beyond this a label wraps rather than widen the chart further.
const MAX_LABEL_W: usize = 376;
pub const BAR_W: usize = 260;
/// After the bar: its value ("100 %").
const VALUE_W: usize = 64;
pub const ROW_H: usize = 24;
const LINE_H: usize = 16;
/// Above the rows: the chart's title, then the category axis title over the labels.
pub const TOP: usize = 52;
/// Below the bars: the value axis, its end labels and its title.
pub const BOTTOM: usize = 52;

/// Cut `label` into lines of at most `max` characters, breaking after a separator where
/// there is one and inside a word only when a word alone is longer than a line. Every
/// character is kept.
pub fn wrap(label: &str, max: usize) -> Vec<String> {
    let chars: Vec<char> = label.chars().collect();
    let mut lines = Vec::new();
    let mut start = 0;
    while chars.len() - start > max {
        let window = &chars[start..start + max + 1];
        // The last break point in the window: after a space, "·", ":" or "-".
        let cut = (1..window.len())
            .rev()
            .find(|&k| matches!(window[k - 1], ' ' | '·' | ':' | '-' | '/' | '_'))
            .unwrap_or(max);
        let line: String = chars[start..start + cut].iter().collect();
        lines.push(line.trim_end().to_owned());
        start += cut;
        while start < chars.len() && chars[start] == ' ' {
            start += 1;
        }
    }
    let rest: String = chars[start..].iter().collect();
    if !rest.is_empty() || lines.is_empty() {
        lines.push(rest);
    }
    lines
}

/// The geometry of one chart: the label column, each row's lines and top.
struct Layout {
    label_w: usize,
    lines: Vec<Vec<String>>,
    /// Each row's top, and past the last one the bottom of the rows.
    tops: Vec<usize>,
    width: usize,
    height: usize,
}

fn layout(chart: &Chart) -> Layout {
    let longest = chart
        .bars
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0);
    let label_w = (longest * CHAR_W + 16).clamp(MIN_LABEL_W, MAX_LABEL_W);
    let per_line = (label_w - 16) / CHAR_W;
    let lines: Vec<Vec<String>> = chart.bars.iter().map(|(l, _)| wrap(l, per_line)).collect();
    let mut tops = vec![TOP];
    for l in &lines {
        let h = ROW_H.max(l.len() * LINE_H + 8);
        tops.push(tops.last().copied().unwrap_or(TOP) + h);
    }
    if lines.is_empty() {
        tops.push(TOP + ROW_H);
    }
    let axis_y = tops.last().copied().unwrap_or(TOP) + 4;
    Layout {
        label_w,
        width: AXIS_W + label_w + BAR_W + VALUE_W,
        height: axis_y + BOTTOM,
        lines,
        tops,
    }
}

/// The picture's width and height in pixels.
pub fn chart_size(chart: &Chart) -> (usize, usize) {
    let l = layout(chart);
    (l.width, l.height)
}

/// A horizontal bar chart: one row per bar, bars scaled to the largest value (or to 100 %
/// for shares), each value printed after its bar, a value axis with its range, and both
/// axis titles. Standalone SVG with a title and an accessible name, with no external
/// resources; every piece of text is escaped, since type names and titles are user data.
pub fn bar_chart_svg(chart: &Chart) -> String {
    let bars = &chart.bars;
    let geo = layout(chart);
    let (width, height) = (geo.width, geo.height);
    let bar_x = AXIS_W + geo.label_w;
    let rows_end = geo.tops.last().copied().unwrap_or(TOP);
    let axis_y = rows_end + 4;
    let max = if chart.percent {
        1.0
    } else {
        bars.iter().map(|b| b.1).fold(0.0_f64, f64::max)
    };
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{t}\" \
         font-family=\"system-ui, sans-serif\" font-size=\"13\">\
         <title>{t}</title>\
         <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\
         <text x=\"8\" y=\"22\" font-size=\"15\" font-weight=\"600\" fill=\"#1f2328\">{t}</text>",
        t = xml(&chart.title)
    );
    if bars.is_empty() {
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" fill=\"#57606a\">No data yet</text>",
            AXIS_W + 8,
            TOP + 16
        );
    }
    for (n, (label, value)) in bars.iter().enumerate() {
        let (top, bottom) = (geo.tops[n], geo.tops[n + 1]);
        let mid = (top + bottom) / 2;
        // Negative or NaN values draw no bar rather than a broken one.
        let frac = if max > 0.0 && *value > 0.0 {
            (value / max).min(1.0)
        } else {
            0.0
        };
        let w = (frac * BAR_W as f64).round() as usize;
        let lines = &geo.lines[n];
        let first_y = mid + 5 - (lines.len() - 1) * LINE_H / 2;
        let lx = bar_x - 8;
        let mut text = String::new();
        for (k, line) in lines.iter().enumerate() {
            let _ = write!(
                text,
                "<tspan x=\"{lx}\" y=\"{}\">{}</tspan>",
                first_y + k * LINE_H,
                xml(line)
            );
        }
        let _ = write!(
            svg,
            "<g><title>{full}: {v}</title>\
             <text text-anchor=\"end\" fill=\"#1f2328\">{text}</text>\
             <rect x=\"{bar_x}\" y=\"{ry}\" width=\"{w}\" height=\"{bh}\" fill=\"#2f6fbd\"/>\
             <text x=\"{vx}\" y=\"{ty}\" fill=\"#1f2328\">{v}</text></g>",
            full = xml(label),
            v = xml(&chart.show(*value)),
            ty = mid + 5,
            ry = mid - (ROW_H - 8) / 2,
            bh = ROW_H - 8,
            vx = bar_x + w + 6,
        );
    }
    let _ = write!(
        svg,
        "<line x1=\"{bar_x}\" y1=\"{TOP}\" x2=\"{bar_x}\" y2=\"{axis_y}\" stroke=\"#57606a\"/>\
         <line x1=\"{bar_x}\" y1=\"{axis_y}\" x2=\"{right}\" y2=\"{axis_y}\" stroke=\"#57606a\"/>\
         <text x=\"{bar_x}\" y=\"{tick_y}\" text-anchor=\"middle\" fill=\"#57606a\">{zero}</text>\
         <text x=\"{right}\" y=\"{tick_y}\" text-anchor=\"middle\" fill=\"#57606a\">{top}</text>\
         <text x=\"{mid}\" y=\"{title_y}\" text-anchor=\"middle\" fill=\"#1f2328\">{value_axis}</text>\
         <text x=\"{cat_x}\" y=\"{cat_y}\" text-anchor=\"end\" font-weight=\"600\" fill=\"#1f2328\">{category_axis}</text>",
        right = bar_x + BAR_W,
        tick_y = axis_y + 16,
        zero = xml(&chart.show(0.0)),
        top = xml(&chart.show(max)),
        mid = bar_x + BAR_W / 2,
        title_y = axis_y + 38,
        value_axis = xml(&chart.value_axis),
        cat_x = bar_x - 8,
        cat_y = TOP - 8,
        category_axis = xml(&chart.category_axis),
    );
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(bars: Vec<(String, f64)>) -> Chart {
        Chart::new("Mentions & types", "Type <x>", "Count \"n\"", bars)
    }

    /// The text of every label line, in order.
    fn label_lines(svg: &str) -> Vec<String> {
        svg.split("<tspan ")
            .skip(1)
            .map(|t| {
                t.split('>')
                    .nth(1)
                    .unwrap()
                    .trim_end_matches("</tspan")
                    .to_owned()
            })
            .collect()
    }

    #[test]
    fn bar_chart_scales_labels_and_escapes() {
        let bars = vec![
            ("PER".to_owned(), 10.0),
            ("<script>alert(1)</script>".to_owned(), 5.0),
            ("zero".to_owned(), 0.0),
        ];
        let mut c = chart(bars);
        let svg = bar_chart_svg(&c);
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains("<title>Mentions &amp; types</title>"));
        assert!(svg.contains("aria-label=\"Mentions &amp; types\""));
        assert!(!svg.contains("<script>") && !svg.contains("<x>"));
        assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(svg.contains(">Type &lt;x&gt;</text>"));
        assert!(svg.contains(">Count &quot;n&quot;</text>"));
        assert!(svg.contains("text-anchor=\"middle\" fill=\"#57606a\">0</text>"));
        assert!(svg.contains("text-anchor=\"middle\" fill=\"#57606a\">10</text>"));
        // The largest value fills the bar area; half of it, half.
        assert!(svg.contains(&format!("width=\"{BAR_W}\"")));
        assert!(svg.contains(&format!("width=\"{}\"", BAR_W / 2)));
        assert!(svg.contains("width=\"0\""));
        assert!(svg.contains(">5</text></g>"));
        assert_eq!(svg.matches("<g>").count(), 3);
        assert_eq!(svg.matches("<g>").count(), svg.matches("</g>").count());
        // Three one-line rows: the value axis sits under them, and the height follows.
        let axis_y = TOP + 3 * ROW_H + 4;
        assert_eq!(chart_size(&c).1, axis_y + BOTTOM);
        assert!(svg.contains(&format!("height=\"{}\"", axis_y + BOTTOM)));
        assert!(svg.contains(&format!("y2=\"{axis_y}\"")));
        c.bars.clear();
        let empty = bar_chart_svg(&c);
        assert!(empty.contains("No data yet") && !empty.contains("<g>"));
    }

    #[test]
    fn shares_are_drawn_on_a_percent_axis() {
        let mut c = Chart::new("Fill", "Role", "Filled", vec![("Time".into(), 0.5)]);
        c.percent = true;
        let svg = bar_chart_svg(&c);
        assert!(svg.contains(&format!("width=\"{}\"", BAR_W / 2)));
        assert!(svg.contains(">50 %</text></g>"));
        assert!(svg.contains(">100 %</text>"));
    }

    /// The fill-rate chart showed "Transaction:Transfer-Ow…" six times: labels are never
    /// cut, the column widens, and what is still too long wraps onto more lines.
    #[test]
    fn long_labels_are_whole_never_cut() {
        let roles = [
            "Buyer",
            "Seller",
            "Beneficiary",
            "Artifact",
            "Price",
            "Time",
        ];
        let bars: Vec<(String, f64)> = roles
            .iter()
            .map(|r| (format!("Transaction:Transfer-Ownership · {r}"), 0.5))
            .collect();
        let c = chart(bars.clone());
        let svg = bar_chart_svg(&c);
        assert!(!svg.contains('…'), "{svg}");
        let lines = label_lines(&svg);
        // Each label fits the widened column on one line.
        assert_eq!(lines.len(), 6);
        assert_eq!(lines[2], "Transaction:Transfer-Ownership · Beneficiary");
        let (width, _) = chart_size(&c);
        assert!(
            width >= AXIS_W + "Transaction:Transfer-Ownership · Beneficiary".len() * CHAR_W + BAR_W
        );
        // Longer than the widest column: wrapped at separators, every character kept.
        let long =
            "Life:Injure · Victim of the attack on the northern harbour district and its old port"
                .to_owned();
        let c = chart(vec![(long.clone(), 1.0), ("short".into(), 2.0)]);
        let svg = bar_chart_svg(&c);
        let lines = label_lines(&svg);
        assert!(lines.len() >= 3, "{lines:?}");
        let per_line = (MAX_LABEL_W - 16) / CHAR_W;
        assert!(
            lines.iter().all(|l| l.chars().count() <= per_line),
            "{lines:?}"
        );
        assert_eq!(lines[..lines.len() - 1].join(" "), long);
        // The taller row pushes the axis down.
        let (_, h) = chart_size(&c);
        assert!(h > TOP + 2 * ROW_H + 4 + BOTTOM);
    }

    #[test]
    fn wrap_keeps_every_character_and_breaks_words_only_when_it_must() {
        assert_eq!(wrap("short", 10), ["short"]);
        assert_eq!(wrap("", 10), [""]);
        assert_eq!(
            wrap("Conflict:Attack · Target", 16),
            ["Conflict:Attack", "· Target"]
        );
        assert_eq!(wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        let s = "Justice:Release-Parole · Entity";
        assert_eq!(wrap(s, 12).concat().replace(' ', ""), s.replace(' ', ""));
    }
}
