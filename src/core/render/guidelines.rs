//! The schema's guidelines document, from Markdown to safe HTML.
//!
//! Only simple formatting is read: headings (`#` becomes `<h3>`, below the dialog's own
//! title, down to `<h6>`), paragraphs, bullet and numbered lists (nested by indentation),
//! block quotes, rules (`---`), fenced code blocks, `*emphasis*`, `**strong**`, `` `code` ``
//! and links. Everything else, raw HTML included, is text: every character of the input is
//! escaped, and the only tags written are the fixed ones above. A link becomes `<a>` only
//! for an `http:` or `https:` address (opened with `rel="noopener noreferrer"`); any other
//! address is shown as text after the link's text.
//!
//! Hand-written rather than pulldown-cmark: that crate added 72 KB gzipped to a wasm
//! module (measured: 4.8 KB → 77.3 KB after `wasm-opt -Oz`), 8% of the app's bundle, for
//! features the guidelines do not need.
//!
//! ```
//! use loupe::core::render::guidelines::render;
//! assert_eq!(render("# Persons\n\nTag **names**."), "<h3>Persons</h3>\n<p>Tag <strong>names</strong>.</p>\n");
//! assert_eq!(render("<b onclick=x>"), "<p>&lt;b onclick=x&gt;</p>\n");
//! ```

use super::escape_html_into;

/// How deep block quotes and lists may nest; deeper markers are text, so hostile input
/// cannot exhaust the stack.
const MAX_DEPTH: usize = 8;
/// How far (in characters) an emphasis, code span or link may reach for its closing mark.
/// It bounds the work on text full of unclosed marks.
const MAX_INLINE_REACH: usize = 2_000;

/// The guidelines as HTML. Any input is accepted.
pub fn render(markdown: &str) -> String {
    let lines: Vec<String> = markdown.lines().map(expand_tabs).collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let mut out = String::new();
    blocks(&refs, 0, false, &mut out);
    out
}

fn expand_tabs(line: &str) -> String {
    line.replace('\t', "    ")
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// `(level, text)` of an ATX heading.
fn heading(line: &str) -> Option<(usize, &str)> {
    if indent(line) > 3 {
        return None;
    }
    let t = line.trim_start();
    let level = t.len() - t.trim_start_matches('#').len();
    let rest = &t[level..];
    if !(1..=6).contains(&level) || !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    let text = rest.trim().trim_end_matches('#').trim_end();
    Some((level, text))
}

fn is_rule(line: &str) -> bool {
    let t: String = line.chars().filter(|c| *c != ' ').collect();
    indent(line) <= 3 && t.len() >= 3 && ['-', '*', '_'].iter().any(|m| t.chars().all(|c| c == *m))
}

/// The fence of a code block: its character and length.
fn fence(line: &str) -> Option<(char, usize)> {
    if indent(line) > 3 {
        return None;
    }
    let t = line.trim_start();
    let c = t.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = t.chars().take_while(|x| *x == c).count();
    (n >= 3).then_some((c, n))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Marker {
    Bullet(char),
    /// The first number, and `.` or `)`.
    Number(u64, char),
}

/// A list item's marker, where its content starts (in bytes) and its indentation.
fn list_item(line: &str) -> Option<(Marker, usize, usize)> {
    let ind = indent(line);
    let t = &line[ind..];
    let mut chars = t.chars();
    let first = chars.next()?;
    let (marker, len) = if matches!(first, '-' | '*' | '+') {
        (Marker::Bullet(first), 1)
    } else {
        let digits = t.chars().take_while(char::is_ascii_digit).count();
        let delim = t[digits..].chars().next()?;
        if !(1..=9).contains(&digits) || !matches!(delim, '.' | ')') {
            return None;
        }
        (Marker::Number(t[..digits].parse().ok()?, delim), digits + 1)
    };
    let after = &t[len..];
    if !(after.is_empty() || after.starts_with(' ')) {
        return None;
    }
    let content = ind + len + (after.len() - after.trim_start().len()).min(4);
    Some((marker, content.min(line.len()), ind))
}

fn same_kind(a: Marker, b: Marker) -> bool {
    match (a, b) {
        (Marker::Bullet(x), Marker::Bullet(y)) => x == y,
        (Marker::Number(_, x), Marker::Number(_, y)) => x == y,
        _ => false,
    }
}

/// Render block after block. In a tight list item, paragraphs lose their `<p>`.
fn blocks(lines: &[&str], depth: usize, tight: bool, out: &mut String) {
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if is_blank(line) {
            i += 1;
        } else if let Some((c, n)) = fence(line) {
            i = code_block(lines, i, c, n, out);
        } else if let Some((level, text)) = heading(line) {
            let h = (level + 2).min(6);
            out.push_str(&format!("<h{h}>"));
            inline(text, out);
            out.push_str(&format!("</h{h}>\n"));
            i += 1;
        } else if is_rule(line) {
            out.push_str("<hr>\n");
            i += 1;
        } else if depth < MAX_DEPTH && line.trim_start().starts_with('>') && indent(line) <= 3 {
            i = quote(lines, i, depth, out);
        } else if depth < MAX_DEPTH && list_item(line).is_some() {
            i = list(lines, i, depth, out);
        } else {
            i = paragraph(lines, i, depth, tight, out);
        }
    }
}

fn code_block(lines: &[&str], start: usize, c: char, n: usize, out: &mut String) -> usize {
    let strip = indent(lines[start]);
    let mut i = start + 1;
    out.push_str("<pre><code>");
    while i < lines.len() {
        if fence(lines[i]).is_some_and(|(c2, n2)| c2 == c && n2 >= n)
            && lines[i]
                .trim_start()
                .trim_start_matches(c)
                .trim()
                .is_empty()
        {
            i += 1;
            break;
        }
        let line = lines[i];
        let cut = indent(line).min(strip);
        escape_html_into(out, &line[cut..]);
        out.push('\n');
        i += 1;
    }
    out.push_str("</code></pre>\n");
    i
}

fn quote(lines: &[&str], start: usize, depth: usize, out: &mut String) -> usize {
    let mut inner = Vec::new();
    let mut i = start;
    while i < lines.len() && !is_blank(lines[i]) {
        let t = lines[i].trim_start();
        let Some(rest) = t.strip_prefix('>') else {
            // A lazy continuation line of the quote's paragraph.
            inner.push(t);
            i += 1;
            continue;
        };
        inner.push(rest.strip_prefix(' ').unwrap_or(rest));
        i += 1;
    }
    out.push_str("<blockquote>\n");
    blocks(&inner, depth + 1, false, out);
    out.push_str("</blockquote>\n");
    i
}

fn list(lines: &[&str], start: usize, depth: usize, out: &mut String) -> usize {
    let (first, _, base) = list_item(lines[start]).expect("a list starts with an item");
    let tag = match first {
        Marker::Bullet(_) => "ul",
        Marker::Number(..) => "ol",
    };
    match first {
        Marker::Number(n, _) if n != 1 => out.push_str(&format!("<ol start=\"{n}\">\n")),
        _ => out.push_str(&format!("<{tag}>\n")),
    }
    let mut i = start;
    while i < lines.len() {
        let Some((marker, content, ind)) = list_item(lines[i]) else {
            break;
        };
        if ind != base || !same_kind(marker, first) {
            break;
        }
        // The item: its first line, then every line indented past the marker, and lazy
        // continuation lines of its paragraph.
        let mut item = vec![&lines[i][content..]];
        i += 1;
        while i < lines.len() {
            let line = lines[i];
            if is_blank(line) {
                let next = lines[i + 1..].iter().find(|l| !is_blank(l));
                if next.is_some_and(|l| indent(l) >= content) {
                    item.push("");
                    i += 1;
                    continue;
                }
                break;
            }
            if indent(line) >= content {
                item.push(&line[content..]);
            } else if list_item(line).is_none()
                && !is_blank(item[item.len() - 1])
                && heading(line).is_none()
                && fence(line).is_none()
                && !is_rule(line)
            {
                item.push(line.trim_start());
            } else {
                break;
            }
            i += 1;
        }
        out.push_str("<li>");
        blocks(&item, depth + 1, true, out);
        trim_newline(out);
        out.push_str("</li>\n");
        // Blank lines between items keep the list going.
        let mut j = i;
        while j < lines.len() && is_blank(lines[j]) {
            j += 1;
        }
        if j < lines.len()
            && list_item(lines[j]).is_some_and(|(m, _, d)| d == base && same_kind(m, first))
        {
            i = j;
        }
    }
    out.push_str(&format!("</{tag}>\n"));
    i
}

fn trim_newline(out: &mut String) {
    while out.ends_with('\n') {
        out.pop();
    }
}

fn paragraph(lines: &[&str], start: usize, depth: usize, tight: bool, out: &mut String) -> usize {
    let mut i = start;
    let mut text = String::new();
    while i < lines.len() {
        let line = lines[i];
        let interrupts = heading(line).is_some()
            || fence(line).is_some()
            || (depth < MAX_DEPTH && line.trim_start().starts_with('>'))
            || (i > start && (is_rule(line) || (depth < MAX_DEPTH && list_item(line).is_some())));
        if is_blank(line) || (i > start && interrupts) {
            break;
        }
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(line.trim());
        i += 1;
    }
    if !tight {
        out.push_str("<p>");
    }
    inline(&text, out);
    if tight {
        out.push('\n');
    } else {
        out.push_str("</p>\n");
    }
    i
}

/// Inline formatting of one paragraph's text.
fn inline(text: &str, out: &mut String) {
    let chars: Vec<char> = text.chars().collect();
    spans(&chars, true, out);
}

fn push_escaped(out: &mut String, chars: &[char]) {
    let s: String = chars.iter().collect();
    escape_html_into(out, &s);
}

/// The first `needle` in `chars[from..]`, within [`MAX_INLINE_REACH`], that `ok` accepts.
fn find(chars: &[char], from: usize, needle: &[char], ok: impl Fn(usize) -> bool) -> Option<usize> {
    let end = chars.len().min(from + MAX_INLINE_REACH);
    (from..end.saturating_sub(needle.len() - 1)).find(|&p| chars[p..].starts_with(needle) && ok(p))
}

fn spans(chars: &[char], links: bool, out: &mut String) {
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && chars.get(i + 1).is_some_and(char::is_ascii_punctuation) {
            push_escaped(out, &chars[i + 1..i + 2]);
            i += 2;
        } else if c == '`' {
            i = code_span(chars, i, out);
        } else if links && c == '[' {
            i = link(chars, i, out);
        } else if links && c == '<' {
            i = autolink(chars, i, out);
        } else if c == '*' || c == '_' {
            i = emphasis(chars, i, links, out);
        } else {
            push_escaped(out, &chars[i..i + 1]);
            i += 1;
        }
    }
}

fn code_span(chars: &[char], start: usize, out: &mut String) -> usize {
    let n = chars[start..].iter().take_while(|c| **c == '`').count();
    let ticks = vec!['`'; n];
    let from = start + n;
    let close = find(chars, from, &ticks, |p| {
        chars.get(p + n) != Some(&'`') && (p == 0 || chars[p - 1] != '`' || p == from)
    });
    match close {
        Some(p) => {
            let mut inner = &chars[from..p];
            if inner.len() >= 2 && inner[0] == ' ' && inner[inner.len() - 1] == ' ' {
                inner = &inner[1..inner.len() - 1];
            }
            out.push_str("<code>");
            push_escaped(out, inner);
            out.push_str("</code>");
            p + n
        }
        None => {
            push_escaped(out, &ticks);
            from
        }
    }
}

/// Whether an address may be a live link: `http:` or `https:`, with nothing in it that
/// could end the attribute or hide a second scheme.
fn is_web_address(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://"))
        && url.len() > "https://".len() - 1
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>')
}

fn anchor(url: &str, text: &[char], out: &mut String) {
    out.push_str("<a href=\"");
    escape_html_into(out, url);
    out.push_str("\" rel=\"noopener noreferrer\" target=\"_blank\">");
    spans(text, false, out);
    out.push_str("</a>");
}

/// `[text](address)`: an `<a>` for a web address, else the text and then the address in
/// parentheses, as text.
fn link(chars: &[char], start: usize, out: &mut String) -> usize {
    let literal = |out: &mut String| {
        push_escaped(out, &chars[start..start + 1]);
        start + 1
    };
    // The closing bracket, skipping escaped ones.
    let Some(close) = find(chars, start + 1, &[']'], |p| chars[p - 1] != '\\') else {
        return literal(out);
    };
    if chars.get(close + 1) != Some(&'(') {
        return literal(out);
    }
    let Some(end) = find(chars, close + 2, &[')'], |_| true) else {
        return literal(out);
    };
    let target: String = chars[close + 2..end].iter().collect();
    let target = target.trim();
    // An optional title after the address is dropped; `<…>` around it is unwrapped.
    let url = target.split_whitespace().next().unwrap_or("");
    let url = url
        .strip_prefix('<')
        .and_then(|u| u.strip_suffix('>'))
        .unwrap_or(url);
    let text = &chars[start + 1..close];
    if is_web_address(url) {
        anchor(url, text, out);
    } else {
        spans(text, false, out);
        if !url.is_empty() {
            out.push_str(" (");
            escape_html_into(out, url);
            out.push(')');
        }
    }
    end + 1
}

/// `<https://example.org>`.
fn autolink(chars: &[char], start: usize, out: &mut String) -> usize {
    let close = find(chars, start + 1, &['>'], |_| true);
    if let Some(close) = close {
        let url: String = chars[start + 1..close].iter().collect();
        if is_web_address(&url) {
            anchor(&url, &chars[start + 1..close], out);
            return close + 1;
        }
    }
    push_escaped(out, &chars[start..start + 1]);
    start + 1
}

/// `*em*`, `_em_`, `**strong**`, `__strong__`. An opener must be followed by a
/// non-space and a closer preceded by one; `_` does not work inside a word, so
/// `snake_case_names` stay as they are.
fn emphasis(chars: &[char], start: usize, links: bool, out: &mut String) -> usize {
    let c = chars[start];
    let run = chars[start..].iter().take_while(|x| **x == c).count();
    let n = if run >= 2 { 2 } else { 1 };
    let delim = vec![c; n];
    let from = start + n;
    let word = |p: Option<&char>| p.is_some_and(|x| x.is_alphanumeric());
    let opens = chars.get(from).is_some_and(|x| !x.is_whitespace())
        && !(c == '_' && word(start.checked_sub(1).and_then(|p| chars.get(p))));
    let close = opens
        .then(|| {
            find(chars, from + 1, &delim, |p| {
                !chars[p - 1].is_whitespace()
                    && chars.get(p + n) != Some(&c)
                    && !(c == '_' && word(chars.get(p + n)))
            })
        })
        .flatten();
    let Some(close) = close else {
        push_escaped(out, &chars[start..start + run]);
        return start + run;
    };
    let tag = if n == 2 { "strong" } else { "em" };
    out.push_str(&format!("<{tag}>"));
    spans(&chars[from..close], links, out);
    out.push_str(&format!("</{tag}>"));
    close + n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_paragraphs_and_rules() {
        assert_eq!(
            render("# One\n## Two ##\n###### Six\n####### seven\n\nline one\nline two\n\n---\n"),
            "<h3>One</h3>\n<h4>Two</h4>\n<h6>Six</h6>\n<p>####### seven</p>\n<p>line one line two</p>\n<hr>\n"
        );
        assert_eq!(render("#hashtag"), "<p>#hashtag</p>\n");
        assert_eq!(render(""), "");
    }

    #[test]
    fn inline_formatting() {
        assert_eq!(
            render("*a* _b_ **c** __d__ `e<f>` ``g ` h``"),
            "<p><em>a</em> <em>b</em> <strong>c</strong> <strong>d</strong> <code>e&lt;f&gt;</code> <code>g ` h</code></p>\n"
        );
        assert_eq!(
            render("snake_case_name, 2 * 3 * 4, **unclosed, \\*literal\\*"),
            "<p>snake_case_name, 2 * 3 * 4, **unclosed, *literal*</p>\n"
        );
        assert_eq!(
            render("**bold *and em* inside**"),
            "<p><strong>bold <em>and em</em> inside</strong></p>\n"
        );
    }

    #[test]
    fn lists_nest_by_indentation_and_numbered_lists_keep_their_start() {
        let md = "- one\n- two\n  - two a\n  - two b\n- three\n  continued\n\n3. c\n4. d\n";
        assert_eq!(
            render(md),
            "<ul>\n<li>one</li>\n<li>two\n<ul>\n<li>two a</li>\n<li>two b</li>\n</ul></li>\n\
             <li>three continued</li>\n</ul>\n<ol start=\"3\">\n<li>c</li>\n<li>d</li>\n</ol>\n"
        );
        assert_eq!(
            render("1. a\n\n2. b\n\nafter"),
            "<ol>\n<li>a</li>\n<li>b</li>\n</ol>\n<p>after</p>\n"
        );
        // A different marker starts a new list; `-x` is no item.
        assert_eq!(
            render("- a\n* b\n-x"),
            "<ul>\n<li>a</li>\n</ul>\n<ul>\n<li>b -x</li>\n</ul>\n"
        );
    }

    #[test]
    fn code_blocks_and_quotes() {
        assert_eq!(
            render("```rust\nlet a = \"<b>\";\n  *not em*\n```\nafter"),
            "<pre><code>let a = &quot;&lt;b&gt;&quot;;\n  *not em*\n</code></pre>\n<p>after</p>\n"
        );
        assert_eq!(
            render("~~~\nunclosed"),
            "<pre><code>unclosed\n</code></pre>\n"
        );
        assert_eq!(
            render("> quoted *text*\n> - item\n\nout"),
            "<blockquote>\n<p>quoted <em>text</em></p>\n<ul>\n<li>item</li>\n</ul>\n</blockquote>\n<p>out</p>\n"
        );
    }

    #[test]
    fn only_web_addresses_become_links() {
        assert_eq!(
            render("see <http://x.org>"),
            "<p>see <a href=\"http://x.org\" rel=\"noopener noreferrer\" target=\"_blank\">http://x.org</a></p>\n"
        );
        let out = render("[ACE](https://example.org/a?b=1&c=2)");
        assert_eq!(
            out,
            "<p><a href=\"https://example.org/a?b=1&amp;c=2\" rel=\"noopener noreferrer\" target=\"_blank\">ACE</a></p>\n"
        );
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,x",
            "vbscript:x",
            "ftp://x.org",
            "/relative",
        ] {
            let out = render(&format!("[click]({bad})"));
            assert!(!out.contains("<a"), "{bad}: {out}");
            assert!(out.starts_with("<p>click ("), "{bad}: {out}");
        }
        assert_eq!(
            render("[a](<https://x.org> \"title\")")
                .matches("<a ")
                .count(),
            1
        );
        assert_eq!(render("[no link] (x)"), "<p>[no link] (x)</p>\n");
        // Link text keeps its formatting but holds no nested link.
        assert_eq!(
            render("[*a* [b](https://y.org)](https://x.org)")
                .matches("<a ")
                .count(),
            1
        );
    }

    /// The payloads of `tests/e2e/xss-payloads.ts`, read from that file so both suites
    /// share one list.
    fn payloads() -> Vec<String> {
        let ts = include_str!("../../../tests/e2e/xss-payloads.ts");
        let list = ts
            .split("const raw = [")
            .nth(1)
            .unwrap()
            .split("];")
            .next()
            .unwrap();
        let items: Vec<String> = list
            .split("`,")
            .filter_map(|p| p.trim().strip_prefix('`'))
            .map(|p| {
                p.replace("\\u003c", "<")
                    .replace("\\u003e", ">")
                    .replace("\\$", "$")
            })
            .collect();
        assert!(items.len() >= 50, "{}", items.len());
        items
    }

    /// Every tag in `html` is one this module writes, and every `<a>` points at the web.
    fn only_safe_tags(html: &str) -> Result<(), String> {
        const TAGS: &[&str] = &[
            "h3",
            "h4",
            "h5",
            "h6",
            "p",
            "ul",
            "ol",
            "li",
            "em",
            "strong",
            "code",
            "pre",
            "hr",
            "blockquote",
        ];
        for piece in html.split('<').skip(1) {
            let tag = &piece[..piece
                .find('>')
                .ok_or_else(|| format!("unclosed <{piece}"))?];
            let name = tag.trim_start_matches('/');
            let start = name
                .strip_prefix("ol start=\"")
                .and_then(|n| n.strip_suffix('"'));
            let href = name
                .strip_prefix("a href=\"http")
                .and_then(|h| h.strip_suffix("\" rel=\"noopener noreferrer\" target=\"_blank\""));
            let ok = TAGS.contains(&name)
                || name == "a"
                || start.is_some_and(|n| n.parse::<u64>().is_ok())
                || href.is_some_and(|h| !h.contains(['"', '<', '>', ' ']));
            if !ok {
                return Err(format!("unexpected tag <{tag}> in {html}"));
            }
        }
        Ok(())
    }

    #[test]
    fn xss_payloads_render_as_text_in_every_construct() {
        for p in payloads() {
            let contexts = [
                p.clone(),
                format!("# {p}"),
                format!("- {p}\n  - {p}"),
                format!("1. *{p}*"),
                format!("> **{p}**"),
                format!("`{p}`"),
                format!("```\n{p}\n```"),
                format!("[{p}]({p})"),
                format!("[x](https://ok.org/{p})"),
                format!("<{p}>"),
                format!("[x](https://a.org\"onclick=\"{p})"),
            ];
            for md in contexts {
                let html = render(&md);
                only_safe_tags(&html).unwrap();
                assert!(
                    !html.contains("<script") && !html.contains("<img"),
                    "{html}"
                );
            }
        }
    }

    #[test]
    fn hostile_nesting_and_unclosed_marks_finish_quickly() {
        let deep = ">".repeat(50_000) + " x";
        assert!(render(&deep).matches("<blockquote>").count() <= MAX_DEPTH);
        let lists: String = (0..2_000)
            .map(|n| format!("{}- x\n", "  ".repeat(n)))
            .collect();
        only_safe_tags(&render(&lists)).unwrap();
        let marks = "*a _b `c [d <e ".repeat(15_000);
        let start = std::time::Instant::now();
        let html = render(&marks);
        only_safe_tags(&html).unwrap();
        // Not a timing test: a quadratic scan of 200 000 characters would take minutes.
        assert!(start.elapsed().as_secs() < 60);
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn any_input_gives_only_safe_tags(md in "[-*_`#>\\[\\]()<>:/ a-z0-9\"'=\n\té.)~]{0,200}") {
            let html = render(&md);
            proptest::prop_assert!(only_safe_tags(&html).is_ok(), "{:?} → {}", md, html);
        }
    }
}
