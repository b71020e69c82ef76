//! The markup of one paragraph's arcs layer, from [`crate::core::arcs::layout`]: an SVG of
//! the arcs' lines and arrowheads, then one label element per arc run. The labels' text
//! is CSS generated content (`data-label`), so the layer adds no text node to the article:
//! selections, offsets and the article's text content stay exactly the document's text.

use std::fmt::Write;

use super::escape_html_into;
use crate::core::arcs::{ArcKind, ArcLayout, DrawnArc, ParaArc};

/// The CSS class of an arc of this kind.
pub fn kind_class(kind: ArcKind) -> &'static str {
    match kind {
        ArcKind::Argument => "arg",
        ArcKind::Relation => "rel",
        ArcKind::Coref => "coref",
    }
}

/// Corner radius where an arc turns down to its end.
const RADIUS: f64 = 5.0;

/// Pixels, to a tenth: enough for a crisp line, short markup.
fn px(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The path of one run: down-turning corners at the ends that have a drop.
fn run_path(d: &DrawnArc) -> String {
    let (x0, x1, y) = (d.x0, d.x1, d.y);
    let r = RADIUS.min((x1 - x0) / 2.0).max(0.0);
    let left = d.drops.iter().find(|p| (p.x - x0).abs() < 0.5);
    let right = d
        .drops
        .iter()
        .find(|p| (p.x - x1).abs() < 0.5 && left.is_none_or(|l| !std::ptr::eq(l, *p)));
    let mut path = String::new();
    match left {
        Some(p) => {
            let _ = write!(
                path,
                "M{} {}V{}Q{} {} {} {}",
                px(x0),
                px(p.bottom),
                px(y + r),
                px(x0),
                px(y),
                px(x0 + r),
                px(y)
            );
        }
        None => {
            let _ = write!(path, "M{} {}", px(x0), px(y));
        }
    }
    match right {
        Some(p) => {
            let _ = write!(
                path,
                "H{}Q{} {} {} {}V{}",
                px(x1 - r),
                px(x1),
                px(y),
                px(x1),
                px(y + r),
                px(p.bottom)
            );
        }
        None => {
            let _ = write!(path, "H{}", px(x1));
        }
    }
    path
}

fn ends_attr<S: AsRef<str>>(html: &mut String, arc: &ParaArc<S>) {
    html.push_str(r#" data-ends=""#);
    escape_html_into(html, arc.from.as_ref());
    html.push(' ');
    escape_html_into(html, arc.to.as_ref());
    html.push(' ');
    escape_html_into(html, arc.owner.as_ref());
    html.push('"');
}

/// The arcs layer of one paragraph. Each arc's elements carry `data-ends` ("from to
/// owner"), so hovering or selecting an annotation can light up its arcs; `hot` names the
/// annotation whose arcs are drawn emphasised from the start, and `focused` fades the rest.
pub fn arcs_html<S: AsRef<str>>(
    arcs: &[ParaArc<S>],
    layout: &ArcLayout,
    hot: Option<&str>,
    focused: bool,
) -> String {
    if layout.arcs.is_empty() {
        return String::new();
    }
    let is_hot = |a: &ParaArc<S>| {
        hot.is_some_and(|h| [&a.from, &a.to, &a.owner].iter().any(|x| x.as_ref() == h))
    };
    // "arc rel hot" on a line, "arc-label rel hot" on its label.
    let class = |a: &ParaArc<S>| {
        let mut c = kind_class(a.kind).to_owned();
        if is_hot(a) {
            c.push_str(" hot");
        }
        c
    };
    let mut html = String::with_capacity(layout.arcs.len() * 260);
    let _ = write!(
        html,
        r#"<span class="arcs{}" aria-hidden="true"><svg class="arc-svg" focusable="false">"#,
        if focused { " focused" } else { "" }
    );
    for d in &layout.arcs {
        let arc = &arcs[d.arc];
        let _ = write!(html, r#"<g class="arc {}""#, class(arc));
        ends_attr(&mut html, arc);
        let _ = write!(html, r#"><path class="arc-line" d="{}"/>"#, run_path(d));
        for p in d.drops.iter().filter(|p| p.arrow) {
            let _ = write!(
                html,
                r#"<path class="arc-head" d="M{} {}L{} {}L{} {}Z"/>"#,
                px(p.x - 3.5),
                px(p.bottom - 6.0),
                px(p.x),
                px(p.bottom),
                px(p.x + 3.5),
                px(p.bottom - 6.0)
            );
        }
        html.push_str("</g>");
    }
    html.push_str("</svg>");
    for d in &layout.arcs {
        let arc = &arcs[d.arc];
        if arc.label.as_ref().is_empty() {
            continue;
        }
        let _ = write!(html, r#"<span class="arc-label {}""#, class(arc));
        ends_attr(&mut html, arc);
        html.push_str(r#" data-label=""#);
        escape_html_into(&mut html, arc.label.as_ref());
        let _ = write!(
            html,
            r#"" style="left:{}px;top:{}px"></span>"#,
            px(d.label_x),
            px(d.y)
        );
    }
    html.push_str("</span>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::arcs::layout;
    use crate::core::arcs::tests::{arc, bx};
    use std::collections::HashMap;

    #[test]
    fn the_layer_is_hidden_from_assistive_tech_and_adds_no_text() {
        let boxes = vec![bx(0.0, 40.0, 50.0), bx(100.0, 140.0, 50.0)];
        let ends: HashMap<&str, usize> = [("E1", 0), ("T1", 1)].into();
        let arcs = [arc("E1", "T1", "Target\"<x>")];
        let l = layout(&arcs, &ends, &boxes, 500.0);
        let html = arcs_html(&arcs, &l, None, false);
        assert!(html.starts_with(r#"<span class="arcs" aria-hidden="true"><svg"#));
        // No character data between tags: the label is an attribute, and escaped.
        let mut in_tag = false;
        let text: String = html
            .chars()
            .filter(|&c| {
                match c {
                    '<' => in_tag = true,
                    '>' => {
                        in_tag = false;
                        return false;
                    }
                    _ => {}
                }
                !in_tag
            })
            .collect();
        assert_eq!(text, "");
        assert!(
            html.contains(r#"data-label="Target&quot;&lt;x&gt;""#),
            "{html}"
        );
        assert!(html.contains(r#"data-ends="E1 T1 E1""#));
        // One line with both corners turning down, and an arrowhead at the target.
        let y = l.arcs[0].y;
        assert!(
            html.contains(&format!(
                r#"d="M20 {b}V{}Q20 {y} 25 {y}H115Q120 {y} 120 {}V{b}""#,
                y + 5.0,
                y + 5.0,
                b = 50.0 - crate::core::arcs::metrics::SPAN_LABEL
            )),
            "{html}"
        );
        assert_eq!(html.matches("arc-head").count(), 1);
    }

    #[test]
    fn emphasis_marks_the_arcs_of_the_hot_annotation_and_no_arcs_make_no_layer() {
        let boxes = vec![
            bx(0.0, 40.0, 50.0),
            bx(100.0, 140.0, 50.0),
            bx(200.0, 240.0, 50.0),
        ];
        let ends: HashMap<&str, usize> = [("E1", 0), ("T1", 1), ("T2", 2)].into();
        let mut rel = arc("T1", "T2", "PART-WHOLE");
        rel.kind = ArcKind::Relation;
        rel.owner = "R1";
        let arcs = [arc("E1", "T1", "Target"), rel];
        let l = layout(&arcs, &ends, &boxes, 500.0);
        let html = arcs_html(&arcs, &l, Some("E1"), true);
        assert!(html.starts_with(r#"<span class="arcs focused""#));
        assert_eq!(html.matches(r#"class="arc arg hot""#).count(), 1, "{html}");
        assert_eq!(html.matches(r#"class="arc rel""#).count(), 1);
        assert_eq!(html.matches(r#"class="arc-label rel""#).count(), 1);
        assert_eq!(arcs_html(&arcs, &ArcLayout::default(), None, false), "");
    }
}
