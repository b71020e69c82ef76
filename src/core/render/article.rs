//! The article's markup: one `<p class="para">` per paragraph, each run of text one
//! `span.seg` carrying its code point range, highlighted runs carrying the annotations
//! over them, their type, colour, type label and the brackets of nested spans.

use crate::core::sort;
use std::fmt::Write;

use super::escape_html_into;
use super::suggested::{Suggested, SuggestedAttrs};
use crate::core::arcs::metrics::BRACKET;
use crate::core::layout::{segments, Piece};
use crate::core::model::Span;
use crate::core::offsets::{advance_cps, OffsetIndex};

/// How many paragraphs one section of the article holds.
pub const SECTION: usize = 16;

/// The whole article: one `<p class="para" data-s data-e>` per paragraph, holding its
/// [`paragraph_html`], every [`SECTION`] paragraphs in one `<div class="sect">`. `pieces`
/// is [`crate::core::layout::bucket`]'s output for `paragraphs`.
///
/// The sections are what the browser skips off screen (CSS `content-visibility`): a
/// layout or a scroll then walks a hundred sections and one section's paragraphs, not
/// every paragraph of a 1 MB article. With one box per paragraph, each layout of a
/// 1,777-paragraph article cost about 2 ms whatever changed.
pub fn article_html<'c>(
    text: &str,
    index: &OffsetIndex,
    paragraphs: &[Span],
    pieces: &[Vec<Piece>],
    color: impl Fn(&str) -> &'c str + Copy,
) -> String {
    let mut html = String::with_capacity(text.len() * 2 + pieces.len() * 40);
    // One cursor walks the text from paragraph to paragraph: looking each start up in the
    // index rescanned up to 255 characters per paragraph.
    let (mut cp, mut byte) = (0, 0);
    for (i, para) in paragraphs.iter().enumerate() {
        if i % SECTION == 0 {
            html.push_str(r#"<div class="sect">"#);
        }
        let drawn = pieces.get(i).map_or(&[][..], Vec::as_slice);
        html.push_str(r#"<p class="para" data-s=""#);
        push_number(&mut html, para.start);
        html.push_str(r#"" data-e=""#);
        push_number(&mut html, para.end);
        html.push_str(r#"">"#);
        byte = if para.start >= cp {
            advance_cps(text, byte, para.start - cp)
        } else {
            index.byte_of(text, para.start).unwrap_or(text.len())
        };
        byte = write_paragraph_at(&mut html, text, byte, *para, drawn, None, color);
        cp = para.end;
        html.push_str("</p>");
        if i % SECTION == SECTION - 1 || i + 1 == paragraphs.len() {
            html.push_str("</div>");
        }
    }
    html
}

/// `n` in decimal, without the formatting machinery (a tenth of the article's markup).
fn push_number(out: &mut String, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(d as char);
    }
}

/// A CSS length as `Display` writes an `f64`: whole numbers without a fraction.
fn push_px(out: &mut String, v: f64) {
    if v >= 0.0 && v.fract() == 0.0 && v < 1e15 {
        push_number(out, v as usize);
    } else {
        let _ = write!(out, "{v}");
    }
    out.push_str("px");
}

/// One paragraph's markup, as one string. The browser's HTML parser builds a paragraph's
/// nodes many times faster than creating them one by one from wasm, which is what opening
/// a 10,000-annotation article costs. Every segment is a `span.seg` carrying its code point
/// range (`data-s`, `data-e`); a highlighted one also carries the ids covering it
/// (`data-m`, outermost first), the innermost type, its colour, the label of each mention
/// ending there (drawn above the text, so it covers no character), and one bracket under
/// the text per span over it. `color` maps a type to a `#rrggbb` colour.
pub fn paragraph_html<'c>(
    text: &str,
    index: &OffsetIndex,
    para: Span,
    pieces: &[Piece],
    color: impl Fn(&str) -> &'c str,
) -> String {
    let mut html = String::with_capacity((para.len() * 3) / 2 + pieces.len() * 200);
    write_paragraph_html(&mut html, text, index, para, pieces, color);
    html
}

/// How deep each piece's bracket is drawn: 0 for a span with no other span inside it,
/// otherwise one more than the deepest span inside. So a span's bracket keeps one depth
/// along its whole extent, and both edges of every nested span show ("Kyiv’s military
/// administration": the ORG's bracket starts under "Kyiv", below the GPE's).
pub fn bracket_depths(pieces: &[Piece]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..pieces.len()).collect();
    sort::sort_by_key(&mut order, |&i| {
        (
            pieces[i].span.start,
            std::cmp::Reverse(pieces[i].span.end),
            i,
        )
    });
    let mut depth = vec![0; pieces.len()];
    for (k, &i) in order.iter().enumerate().rev() {
        let outer = pieces[i].span;
        for &j in &order[k + 1..] {
            if pieces[j].span.start >= outer.end {
                break;
            }
            if outer.contains(&pieces[j].span) {
                depth[i] = depth[i].max(depth[j] + 1);
            }
        }
    }
    depth
}

/// [`paragraph_html`], appended to `html`.
fn write_paragraph_html<'c>(
    html: &mut String,
    text: &str,
    index: &OffsetIndex,
    para: Span,
    pieces: &[Piece],
    color: impl Fn(&str) -> &'c str,
) {
    let byte = index.byte_of(text, para.start).unwrap_or(text.len());
    write_paragraph_at(html, text, byte, para, pieces, None, color);
}

/// [`paragraph_html`] with the paragraph's suggestions drawn over it (see
/// [`super::suggested`]).
pub fn paragraph_html_suggested<'c>(
    text: &str,
    index: &OffsetIndex,
    para: Span,
    pieces: &[Piece],
    suggested: &Suggested,
    color: impl Fn(&str) -> &'c str,
) -> String {
    let mut html = String::with_capacity((para.len() * 3) / 2 + pieces.len() * 200);
    let byte = index.byte_of(text, para.start).unwrap_or(text.len());
    write_paragraph_at(&mut html, text, byte, para, pieces, Some(suggested), color);
    html
}

/// The segment walk of [`paragraph_html`], from byte `byte` of `text` (where `para`
/// starts); returns the byte where it ends. Suggestion pieces join the annotation pieces
/// for cutting only: a segment's `data-m`, type, label and brackets are the annotations',
/// and its suggestions get attributes of their own. Everything is pushed onto `html`
/// directly: formatting and joining small strings per segment cost more than the text.
fn write_paragraph_at<'c>(
    html: &mut String,
    text: &str,
    mut byte: usize,
    para: Span,
    pieces: &[Piece],
    suggested: Option<&Suggested>,
    color: impl Fn(&str) -> &'c str,
) -> usize {
    let depths = bracket_depths(pieces);
    let annotated = pieces.len();
    let joined: Vec<Piece>;
    let all = match suggested {
        Some(s) if !s.pieces.is_empty() => {
            joined = pieces.iter().chain(s.pieces).cloned().collect();
            &joined[..]
        }
        _ => pieces,
    };
    for mut seg in segments(para, all) {
        // Segments tile the paragraph in order, so one cursor walks its text once.
        let next = advance_cps(text, byte, seg.span.len());
        let content = &text[byte..next];
        byte = next;
        let sug = match suggested {
            Some(s) if seg.covering.iter().any(|&i| i >= annotated) => {
                super::suggested::attributes(s, &all[annotated..], &seg, annotated, &color)
            }
            _ => SuggestedAttrs::default(),
        };
        seg.covering.retain(|&i| i < annotated);
        seg.ending.retain(|&i| i < annotated);
        let Some(&inner) = seg.covering.last() else {
            html.push_str(r#"<span class="seg"#);
            push_range(html, &sug, seg.span);
            if !sug.style.is_empty() {
                html.push_str(r#" style=""#);
                escape_html_into(html, &sug.style);
                html.push('"');
            }
            html.push('>');
            escape_html_into(html, content);
            html.push_str("</span>");
            continue;
        };
        let inner = &pieces[inner];
        html.push_str(r#"<span class="seg m"#);
        if inner.id.starts_with('E') {
            html.push_str(" trigger");
        }
        push_range(html, &sug, seg.span);
        html.push_str(r#" data-m=""#);
        for (n, &i) in seg.covering.iter().enumerate() {
            if n > 0 {
                html.push(' ');
            }
            escape_html_into(html, &pieces[i].id);
        }
        html.push('"');
        // Labels of the mentions ending here, innermost first; a mention of an entity
        // carries the entity's number, small, so a chain reads at a glance.
        if !seg.ending.is_empty() {
            html.push_str(r#" data-label=""#);
            for (n, &i) in seg.ending.iter().rev().enumerate() {
                if n > 0 {
                    html.push(' ');
                }
                escape_html_into(html, pieces[i].kind.rsplit(':').next().unwrap_or_default());
                if let Some(chain) = pieces[i].chain {
                    html.push(' ');
                    push_superscript(html, chain);
                }
            }
            html.push('"');
        }
        html.push_str(r#" data-type=""#);
        escape_html_into(html, &inner.kind);
        html.push_str(r#"" style=""#);
        write_bracket_style(html, seg.span, pieces, &seg.covering, &depths, &color);
        if !sug.style.is_empty() {
            html.push_str("; ");
            escape_html_into(html, &sug.style);
        }
        html.push_str(r#"">"#);
        escape_html_into(html, content);
        html.push_str("</span>");
    }
    byte
}

/// The rest of a segment's opening tag's class, then its code point range and the
/// suggestions' attributes.
fn push_range(html: &mut String, sug: &SuggestedAttrs, span: Span) {
    html.push_str(&sug.class);
    html.push_str(r#"" data-s=""#);
    push_number(html, span.start);
    html.push_str(r#"" data-e=""#);
    push_number(html, span.end);
    html.push('"');
    html.push_str(&sug.attrs);
}

/// A number in superscript digits: "12" → "¹²".
pub fn superscript(n: u32) -> String {
    let mut out = String::new();
    push_superscript(&mut out, n);
    out
}

fn push_superscript(out: &mut String, n: u32) {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut plain = String::new();
    push_number(&mut plain, n as usize);
    for d in plain.bytes() {
        out.push(DIGITS[usize::from(d - b'0')]);
    }
}

/// A highlighted segment's colour and brackets, as the value of its `style` attribute:
/// for every span over it, a line under the text at that span's depth, with an upward
/// tick where the span starts and where it ends. Pushed in three passes over the layers
/// (images, positions, sizes) rather than joined from lists of small strings.
fn write_bracket_style<'c>(
    html: &mut String,
    seg: Span,
    pieces: &[Piece],
    covering: &[usize],
    depths: &[usize],
    color: &impl Fn(&str) -> &'c str,
) {
    let inner = &pieces[covering[covering.len() - 1]];
    let deepest = covering.iter().map(|&i| depths[i]).max().unwrap_or(0);
    // The padding below the text holds the brackets; positions count from its bottom.
    let pad = (deepest + 1) as f64 * BRACKET + 1.0;
    let below = |i: usize| pad - depths[i] as f64 * BRACKET - 3.0;
    // Each span's layers, outermost last: its line (0), then its ticks where it starts (1)
    // and where it ends (2) here.
    let layers = || {
        covering.iter().rev().flat_map(|&i| {
            let span = pieces[i].span;
            [true, span.start == seg.start, span.end == seg.end]
                .into_iter()
                .enumerate()
                .filter(|&(_, on)| on)
                .map(move |(k, _)| (i, k))
        })
    };
    html.push_str("--type-color: ");
    escape_html_into(html, color(&inner.kind));
    html.push_str("; padding-bottom: ");
    push_px(html, pad);
    push_each(html, "; background-image: ", layers(), |html, (i, _)| {
        let c = color(&pieces[i].kind);
        html.push_str("linear-gradient(");
        escape_html_into(html, c);
        html.push(',');
        escape_html_into(html, c);
        html.push(')');
    });
    push_each(html, "; background-position: ", layers(), |html, (i, k)| {
        html.push_str(if k == 2 {
            "right 0 bottom "
        } else {
            "left 0 bottom "
        });
        push_px(html, below(i));
    });
    push_each(html, "; background-size: ", layers(), |html, (_, k)| {
        if k == 0 {
            html.push_str("100% 2px");
        } else {
            html.push_str("2px ");
            push_px(html, BRACKET);
        }
    });
}

/// `label`, then each item written by `each`, separated by commas.
fn push_each(
    html: &mut String,
    label: &str,
    items: impl Iterator<Item = (usize, usize)>,
    mut each: impl FnMut(&mut String, (usize, usize)),
) {
    html.push_str(label);
    for (n, item) in items.enumerate() {
        if n > 0 {
            html.push_str(", ");
        }
        each(html, item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::layout::tests::mention;
    use crate::core::layout::{bucket, paragraphs};

    /// The text between tags, unescaped: what the browser shows.
    fn shown(html: &str) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    #[test]
    fn article_markup_is_each_paragraph_in_order_in_its_own_element() {
        let t = "Kyiv <b>\n\nLviv & Odesa";
        let paras = paragraphs(t);
        let pieces = bucket(
            &paras,
            &[mention("T1", &[(0, 4)]), mention("T2", &[(10, 14)])],
        );
        let index = OffsetIndex::new(t);
        let color = |_: &str| "#123456";
        let html = article_html(t, &index, &paras, &pieces, color);
        let expected: String = paras
            .iter()
            .zip(&pieces)
            .map(|(p, drawn)| {
                format!(
                    r#"<p class="para" data-s="{}" data-e="{}">{}</p>"#,
                    p.start,
                    p.end,
                    paragraph_html(t, &index, *p, drawn, color)
                )
            })
            .collect();
        assert_eq!(html, format!(r#"<div class="sect">{expected}</div>"#));
        assert_eq!(html.matches("<p ").count(), 2);
        assert!(html.starts_with(r#"<div class="sect"><p class="para" data-s="0" data-e="8">"#));
        assert!(html.contains("&lt;b&gt;") && !html.contains("<b>"));
    }

    #[test]
    fn article_markup_groups_paragraphs_into_sections() {
        let t: String = (0..(2 * SECTION + 3))
            .map(|i| format!("Paragraph {i}."))
            .collect::<Vec<_>>()
            .join("\n\n");
        let paras = paragraphs(&t);
        assert_eq!(paras.len(), 2 * SECTION + 3);
        let pieces = bucket(&paras, &[]);
        let html = article_html(&t, &OffsetIndex::new(&t), &paras, &pieces, |_| "#000000");
        let sections: Vec<&str> = html.split(r#"<div class="sect">"#).skip(1).collect();
        let counts: Vec<usize> = sections.iter().map(|s| s.matches("<p ").count()).collect();
        assert_eq!(counts, vec![SECTION, SECTION, 3]);
        assert!(sections.iter().all(|s| s.ends_with("</p></div>")));
        assert_eq!(html.matches("<div").count(), html.matches("</div>").count());
    }

    // proptest is a native dev-dependency: the wasm32 test build leaves this out.
    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]
        /// The article's markup, read back as text, is exactly its paragraphs' text in
        /// order, whatever the characters and however the highlights nest and overlap:
        /// no character is lost, doubled or moved by the segment walk.
        #[test]
        fn article_markup_reads_back_as_the_paragraphs_text(
            text in crate::core::offsets::properties::tricky_text_sized(0..60),
            spans in proptest::collection::vec((0usize..200, 1usize..30), 0..12),
        ) {
            let paras = paragraphs(&text);
            let len = text.chars().count();
            let mentions: Vec<crate::core::model::Mention> = spans
                .iter()
                .enumerate()
                .filter(|(_, (s, _))| *s < len)
                .map(|(i, &(s, l))| mention(&format!("T{i}"), &[(s, (s + l).min(len))]))
                .collect();
            let pieces = bucket(&paras, &mentions);
            let html = article_html(&text, &OffsetIndex::new(&text), &paras, &pieces, |_| "#000000");
            let expected: String = paras
                .iter()
                .map(|p| text.chars().skip(p.start).take(p.len()).collect::<String>())
                .collect();
            proptest::prop_assert_eq!(shown(&html), expected);
        }
    }

    #[test]
    fn paragraph_markup_escapes_user_data_and_nests_highlights() {
        let text = "Drones hit Kyiv’s <b>central</b> district & 🚀 \"port\".";
        let index = OffsetIndex::new(text);
        let para = Span::new(0, text.chars().count());
        let mut fac = mention("T1\"><img src=x onerror=alert(1)>", &[(11, 41)]);
        fac.kind = "FAC<script>".into();
        let gpe = mention("T2", &[(11, 15)]);
        let pieces = bucket(&[para], &[fac, gpe]).remove(0);
        let html = paragraph_html(text, &index, para, &pieces, |kind| {
            if kind == "GPE" {
                "#112233"
            } else {
                "#445566"
            }
        });
        assert_eq!(shown(&html), text);
        assert!(!html.contains("<b>") && !html.contains("<img") && !html.contains("<script"));
        assert!(html.contains("&lt;b&gt;central&lt;/b&gt;"), "{html}");
        // "Kyiv" lies in both: outer id first, the inner type and colour, and two
        // brackets: the GPE's right under the text, the FAC's one level lower, both
        // starting (left tick) here, the GPE's also ending (right tick) here.
        assert!(html.contains(
            r#"<span class="seg m" data-s="11" data-e="15" data-m="T1&quot;&gt;&lt;img src=x onerror=alert(1)&gt; T2" data-label="GPE" data-type="GPE" style="--type-color: #112233; padding-bottom: 9px; background-image: linear-gradient(#112233,#112233), linear-gradient(#112233,#112233), linear-gradient(#112233,#112233), linear-gradient(#445566,#445566), linear-gradient(#445566,#445566); background-position: left 0 bottom 6px, left 0 bottom 6px, right 0 bottom 6px, left 0 bottom 2px, left 0 bottom 2px; background-size: 100% 2px, 2px 4px, 2px 4px, 100% 2px, 2px 4px">Kyiv</span>"#
        ), "{html}");
        // The FAC's bracket stays at its depth past "Kyiv", and ends with a tick.
        assert!(html.contains(
            r#"data-s="15" data-e="41" data-m="T1&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" data-label="FAC&lt;script&gt;" data-type="FAC&lt;script&gt;" style="--type-color: #445566; padding-bottom: 9px; background-image: linear-gradient(#445566,#445566), linear-gradient(#445566,#445566); background-position: left 0 bottom 2px, right 0 bottom 2px"#
        ), "{html}");
        assert!(html.starts_with(r#"<span class="seg" data-s="0" data-e="11">Drones hit </span>"#));
    }

    #[test]
    fn mentions_of_one_entity_share_a_small_number_in_their_labels() {
        use crate::core::layout::{bucket_spans, drawn_spans};
        use crate::core::model::{Annotations, Entity};
        let text = "Kyiv said Kyiv and Lviv.";
        let mut ann = Annotations {
            mentions: vec![
                mention("T1", &[(0, 4)]),
                mention("T2", &[(10, 14)]),
                mention("T3", &[(19, 23)]),
            ],
            ..Default::default()
        };
        for (i, id) in [("C7", "a"), ("C8", "b")].iter().enumerate() {
            ann.entities.push(Entity {
                id: id.0.into(),
                name: id.1.into(),
                kind: "GPE".into(),
                normalization: None,
                attributes: Default::default(),
                note: None,
            });
            let _ = i;
        }
        ann.mentions[0].entity = Some("C8".into());
        ann.mentions[1].entity = Some("C8".into());
        let para = Span::new(0, 24);
        let pieces = bucket_spans(&[para], drawn_spans(&ann)).remove(0);
        let html = paragraph_html(text, &OffsetIndex::new(text), para, &pieces, |_| "#000000");
        assert_eq!(html.matches(r#"data-label="GPE ²""#).count(), 2, "{html}");
        assert_eq!(html.matches(r#"data-label="GPE""#).count(), 1);
        assert_eq!(superscript(1209), "¹²⁰⁹");
    }

    #[test]
    fn bracket_depth_counts_the_spans_inside_not_the_segment() {
        let paras = [Span::new(0, 40)];
        let pieces = bucket(
            &paras,
            &[
                mention("T1", &[(0, 30)]),
                mention("T2", &[(0, 4)]),
                mention("T3", &[(10, 20)]),
                mention("T4", &[(12, 15)]),
                mention("T5", &[(32, 36)]),
            ],
        )
        .remove(0);
        assert_eq!(bracket_depths(&pieces), [2, 0, 1, 0, 0]);
        // Two mentions over the same text still get two depths.
        let same = bucket(
            &paras,
            &[mention("T1", &[(0, 4)]), mention("T2", &[(0, 4)])],
        )
        .remove(0);
        let mut d = bracket_depths(&same);
        d.sort_unstable();
        assert_eq!(d, [0, 1]);
    }

    #[test]
    fn a_trigger_is_marked_and_an_empty_paragraph_has_no_markup() {
        let text = "They attacked.";
        let index = OffsetIndex::new(text);
        let para = Span::new(0, 14);
        let pieces = bucket(&[para], &[mention("E1", &[(5, 13)])]).remove(0);
        let html = paragraph_html(text, &index, para, &pieces, |_| "#000000");
        assert!(
            html.contains(r#"<span class="seg m trigger" data-s="5" data-e="13""#),
            "{html}"
        );
        assert_eq!(
            paragraph_html(text, &index, Span::new(3, 3), &[], |_| "#000000"),
            ""
        );
    }
}
