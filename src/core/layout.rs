//! How an article is cut up for display: paragraphs, the mention pieces that fall in each,
//! and the flat text segments between piece boundaries. Pure, so the UI only renders.

use super::model::{Id, Mention, Span};

/// A paragraph is one line of the text, without its line break (or trailing `\r`).
/// Blank lines produce no paragraph; the gap between paragraphs shows the break.
pub fn paragraphs(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut line_len = 0;
    let mut blank = true;
    let mut trailing_cr = 0;
    let close = |start: usize, len: usize, cr: usize, blank: bool, out: &mut Vec<Span>| {
        if !blank {
            out.push(Span::new(start, start + len - cr));
        }
    };
    for ch in text.chars() {
        if ch == '\n' {
            close(start, line_len, trailing_cr, blank, &mut out);
            start += line_len + 1;
            line_len = 0;
            blank = true;
            trailing_cr = 0;
            continue;
        }
        line_len += 1;
        trailing_cr = usize::from(ch == '\r');
        blank &= ch.is_whitespace();
    }
    close(start, line_len, trailing_cr, blank, &mut out);
    out
}

/// The part of one mention fragment that falls inside one paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub id: Id,
    pub kind: String,
    pub span: Span,
    /// Whether the mention's last fragment ends here, where its label is drawn.
    pub ends_mention: bool,
}

/// Sort every mention fragment into the paragraphs it overlaps. O(fragments × log
/// paragraphs), so it can be rerun on each edit of a long article.
pub fn bucket(paragraphs: &[Span], mentions: &[Mention]) -> Vec<Vec<Piece>> {
    let mut buckets = vec![Vec::new(); paragraphs.len()];
    for m in mentions {
        let last_end = m.end();
        for f in &m.fragments {
            let mut i = paragraphs.partition_point(|p| p.end <= f.start);
            while i < paragraphs.len() && paragraphs[i].start < f.end {
                let p = paragraphs[i];
                let span = Span::new(f.start.max(p.start), f.end.min(p.end));
                if !span.is_empty() {
                    buckets[i].push(Piece {
                        id: m.id.clone(),
                        kind: m.kind.clone(),
                        span,
                        ends_mention: f.end == last_end && span.end == f.end,
                    });
                }
                i += 1;
            }
        }
    }
    buckets
}

/// A run of text covered by the same pieces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub span: Span,
    /// Indices into the paragraph's pieces, outermost (longest) first.
    pub covering: Vec<usize>,
    /// Indices of pieces whose mention ends at this segment's end.
    pub ending: Vec<usize>,
}

/// Cut a paragraph at every piece boundary. Nested and overlapping pieces both work: each
/// segment lists everything that covers it.
pub fn segments(paragraph: Span, pieces: &[Piece]) -> Vec<Segment> {
    let mut cuts = vec![paragraph.start, paragraph.end];
    for p in pieces {
        cuts.push(p.span.start);
        cuts.push(p.span.end);
    }
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2)
        .map(|w| {
            let span = Span::new(w[0], w[1]);
            let mut covering: Vec<usize> = (0..pieces.len())
                .filter(|&i| pieces[i].span.contains(&span))
                .collect();
            covering.sort_by_key(|&i| {
                (
                    std::cmp::Reverse(pieces[i].span.len()),
                    pieces[i].span.start,
                )
            });
            let ending = covering
                .iter()
                .copied()
                .filter(|&i| pieces[i].ends_mention && pieces[i].span.end == span.end)
                .collect();
            Segment {
                span,
                covering,
                ending,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mention(id: &str, fragments: &[(usize, usize)]) -> Mention {
        Mention {
            id: id.into(),
            kind: "GPE".into(),
            fragments: fragments.iter().map(|&f| f.into()).collect(),
            text: String::new(),
            attributes: Default::default(),
            normalization: None,
            note: None,
            entity: None,
        }
    }

    #[test]
    fn paragraphs_skip_blank_lines_and_drop_carriage_returns() {
        let t = "Title\r\n\r\nFirst 🚀.\n  \nSecond";
        assert_eq!(
            paragraphs(t),
            vec![Span::new(0, 5), Span::new(9, 17), Span::new(21, 27)]
        );
    }

    #[test]
    fn mention_across_a_paragraph_break_lands_in_both() {
        let paras = paragraphs("ab\ncd");
        let b = bucket(&paras, &[mention("T1", &[(1, 4)])]);
        assert_eq!(b[0][0].span, Span::new(1, 2));
        assert!(!b[0][0].ends_mention);
        assert_eq!(b[1][0].span, Span::new(3, 4));
        assert!(b[1][0].ends_mention);
    }

    #[test]
    fn nested_pieces_cover_inner_segments_outermost_first() {
        let paras = paragraphs("Kyiv's central district");
        let pieces = &bucket(
            &paras,
            &[mention("T1", &[(0, 23)]), mention("T2", &[(0, 4)])],
        )[0];
        let segs = segments(paras[0], pieces);
        assert_eq!(segs.len(), 2);
        let ids: Vec<&str> = segs[0]
            .covering
            .iter()
            .map(|&i| pieces[i].id.as_str())
            .collect();
        assert_eq!(ids, ["T1", "T2"]);
        assert_eq!(segs[0].ending.len(), 1);
        assert_eq!(segs[1].span, Span::new(4, 23));
    }

    #[test]
    fn segments_tile_the_paragraph_exactly() {
        let p = Span::new(10, 30);
        let pieces = bucket(
            &[p],
            &[mention("T1", &[(12, 20)]), mention("T2", &[(15, 25)])],
        );
        let segs = segments(p, &pieces[0]);
        assert_eq!(segs.first().unwrap().span.start, 10);
        assert_eq!(segs.last().unwrap().span.end, 30);
        assert!(segs.windows(2).all(|w| w[0].span.end == w[1].span.start));
    }
}
