//! Suggestions in the article: drawn on the segments they cover, distinct from the
//! annotations and never mistaken for one. A covered segment gets the class `sug` (and
//! `sug-focus` while the suggestion stepped to covers it), `data-sg` (the shown
//! suggestions' indices over it, outermost first), `data-sl` (the faded label of the
//! innermost one ending there, with a question mark), a `title` (type, source and score,
//! for hover) and `--sug-color`. It is never in `data-m`, so no annotation count, selection
//! or export sees it. The CSS draws a dashed outline and the faded label.
//!
//! Suggestion pieces are [`Piece`]s whose id is the suggestion's index in the shown list,
//! prefixed by its layer: `m12` (mention), `e12` (event trigger), `a12` (argument).

use crate::core::layout::{Piece, Segment};

/// The suggestions of one paragraph, as drawn.
pub struct Suggested<'a> {
    pub pieces: &'a [Piece],
    /// The tooltip of the suggestion at an index: "Suggested GPE · tagger, score 0.87".
    pub title: &'a dyn Fn(usize) -> String,
    /// The suggestion stepped to, if any.
    pub focused: Option<usize>,
}

/// What a segment's open tag gets for its suggestions (all empty when it has none).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SuggestedAttrs {
    /// Appended to `class`, with its leading space.
    pub class: String,
    /// Whole attributes, each with its leading space, already escaped.
    pub attrs: String,
    /// CSS declarations, unescaped.
    pub style: String,
}

/// The piece id of the suggestion at `index` of a layer ("mention", "event", "argument").
pub fn piece_id(layer: &str, index: usize) -> String {
    format!("{}{index}", layer.chars().next().unwrap_or('m'))
}

/// The index in the shown list of a suggestion piece's id.
pub fn index_of(id: &str) -> Option<usize> {
    id.get(1..)?.parse().ok()
}

fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    super::escape_html_into(&mut out, text);
    out
}

/// The attributes of `seg` for the suggestion pieces over it; `first` is the index of the
/// first suggestion piece in the segment's index space.
pub fn attributes<'c>(
    s: &Suggested,
    pieces: &[Piece],
    seg: &Segment,
    first: usize,
    color: &impl Fn(&str) -> &'c str,
) -> SuggestedAttrs {
    let over: Vec<&Piece> = seg
        .covering
        .iter()
        .filter(|&&i| i >= first)
        .map(|&i| &pieces[i - first])
        .collect();
    let Some(inner) = over.last() else {
        return SuggestedAttrs::default();
    };
    let indices: Vec<usize> = over.iter().filter_map(|p| index_of(&p.id)).collect();
    let mut class = String::from(" sug");
    if inner.id.starts_with('e') {
        class.push_str(" sug-trigger");
    }
    if s.focused.is_some_and(|f| indices.contains(&f)) {
        class.push_str(" sug-focus");
    }
    let list: Vec<String> = indices.iter().map(ToString::to_string).collect();
    let mut attrs = format!(r#" data-sg="{}""#, list.join(" "));
    let ending = seg
        .ending
        .iter()
        .rev()
        .find(|&&i| i >= first)
        .map(|&i| &pieces[i - first]);
    if let Some(p) = ending {
        let kind = p.kind.rsplit(':').next().unwrap_or_default();
        attrs.push_str(&format!(r#" data-sl="{}?""#, escaped(kind)));
    }
    let titles: Vec<String> = indices.iter().rev().map(|&i| (s.title)(i)).collect();
    attrs.push_str(&format!(r#" title="{}""#, escaped(&titles.join("\n"))));
    SuggestedAttrs {
        class,
        attrs,
        style: format!("--sug-color: {}", color(&inner.kind)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::layout::tests::mention;
    use crate::core::layout::{bucket, bucket_spans};
    use crate::core::model::Span;
    use crate::core::offsets::OffsetIndex;
    use crate::core::render::article::{paragraph_html, paragraph_html_suggested};

    #[test]
    fn suggestions_are_drawn_apart_from_annotations_with_their_title() {
        let text = "Kyiv met Odesa <x> in Lviv.";
        let index = OffsetIndex::new(text);
        let para = Span::new(0, text.chars().count());
        let pieces = bucket(&[para], &[mention("T1", &[(9, 14)])]).remove(0);
        // Suggestions: Kyiv (0), Odesa as LOC over the GPE annotation (1), and "Lviv" (2).
        let spans = [[Span::new(0, 4)], [Span::new(9, 14)], [Span::new(22, 26)]];
        let ids = [
            piece_id("mention", 0),
            piece_id("mention", 1),
            piece_id("event", 2),
        ];
        let sug = bucket_spans(
            &[para],
            [
                (ids[0].as_str(), "GPE", &spans[0][..], None),
                (ids[1].as_str(), "LOC", &spans[1][..], None),
                (ids[2].as_str(), "Conflict:Attack", &spans[2][..], None),
            ],
        )
        .remove(0);
        let title = |i: usize| format!("Suggested #{i} <tagger>, score 0.87");
        let drawn = Suggested {
            pieces: &sug,
            title: &title,
            focused: Some(2),
        };
        let color = |k: &str| if k == "GPE" { "#112233" } else { "#445566" };
        let html = paragraph_html_suggested(text, &index, para, &pieces, &drawn, color);
        assert!(
            html.starts_with(r##"<span class="seg sug" data-s="0" data-e="4" data-sg="0" data-sl="GPE?" title="Suggested #0 &lt;tagger&gt;, score 0.87" style="--sug-color: #112233">Kyiv</span>"##),
            "{html}"
        );
        // Over an annotation, the segment is the annotation's (its id, type and label),
        // with the suggestion's attributes beside.
        assert!(
            html.contains(r##"<span class="seg m sug" data-s="9" data-e="14" data-sg="1" data-sl="LOC?" title="Suggested #1 &lt;tagger&gt;, score 0.87" data-m="T1" data-label="GPE" data-type="GPE" style="--type-color: #112233;"##),
            "{html}"
        );
        assert!(
            html.contains(r#"; --sug-color: #445566">Odesa</span>"#),
            "{html}"
        );
        assert!(
            html.contains(r#"<span class="seg sug sug-trigger sug-focus" data-s="22" data-e="26" data-sg="2" data-sl="Attack?""#),
            "{html}"
        );
        // The suggestions add no id to data-m, and without them the markup is the plain one.
        assert_eq!(html.matches("data-m=").count(), 1);
        let none = Suggested {
            pieces: &[],
            title: &title,
            focused: None,
        };
        assert_eq!(
            paragraph_html_suggested(text, &index, para, &pieces, &none, color),
            paragraph_html(text, &index, para, &pieces, color)
        );
        assert_eq!(index_of(&ids[2]), Some(2));
    }
}
