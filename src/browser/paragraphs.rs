//! The article's paragraph elements by number. The article element holds sections of
//! [`SECTION`] paragraphs each (see [`crate::core::render::article::article_html`]).

use web_sys::{Element, HtmlCollection};

use crate::core::render::article::SECTION;

/// The paragraphs of one article element, looked up by number.
pub struct Paragraphs {
    sections: HtmlCollection,
}

impl Paragraphs {
    pub fn of(root: &Element) -> Self {
        Self {
            sections: root.children(),
        }
    }

    /// Paragraph `i`, if the article has it.
    pub fn item(&self, i: usize) -> Option<Element> {
        self.section(i / SECTION)?
            .children()
            .item((i % SECTION) as u32)
    }

    /// Section `k` (paragraphs `k * SECTION..`).
    pub fn section(&self, k: usize) -> Option<Element> {
        self.sections.item(u32::try_from(k).ok()?)
    }

    pub fn sections(&self) -> usize {
        self.sections.length() as usize
    }

    pub fn len(&self) -> usize {
        let n = self.sections.length() as usize;
        match n.checked_sub(1) {
            None => 0,
            Some(full) => {
                let last = self
                    .sections
                    .item(full as u32)
                    .map_or(0, |s| s.children().length() as usize);
                full * SECTION + last
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.sections.length() == 0
    }
}
