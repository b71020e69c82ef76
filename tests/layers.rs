//! The core's layers, checked from its source: every module of `src/core` has a rank in
//! [`LAYERS`], and may use only modules of a lower rank, so the core has no cycles. The
//! core uses no browser or UI crate, and nothing of `crate::ui` or `crate::browser`.
//!
//! A new module of the core gets a line in [`LAYERS`]: the rank above the highest module
//! it uses.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Every module of `src/core` and its rank, lowest first. A module may use a module of a
/// lower rank only; modules of one rank are independent of each other.
const LAYERS: &[(&str, u32)] = &[
    // Text and plain values.
    ("offsets", 0),
    ("lineage", 0),
    ("file_name", 0),
    ("samples", 0),
    ("ports", 0),
    ("plural", 0),
    // One compiled stable sort for every caller.
    ("sort", 0),
    // The command table uses nothing, so the schema can ask which keys it takes.
    ("commands", 0),
    ("model", 1),
    ("schema", 2),
    ("tokens", 2),
    ("snap", 2),
    ("timing", 2),
    // The rules of annotations, then the edits that keep them.
    ("validate", 3),
    ("edit", 4),
    ("keymap", 4),
    ("search", 5),
    ("layout", 5),
    ("arcs", 5),
    // Persistence, then the tabs that share it.
    ("storage", 5),
    ("sync", 6),
    ("backup", 6),
    ("autosave", 7),
    // Files in and out.
    ("format", 6),
    ("session", 6),
    ("import", 7),
    ("agreement", 7),
    ("suggest", 7),
    ("adjudication", 8),
    ("dashboard", 8),
    ("report", 8),
    ("diffview", 9),
    // HTML, SVG and CSS class names for every view, over the models it draws.
    ("render", 6),
    // The application layer, on top of everything.
    ("workspace", 10),
];

/// Crates the core must never use: they exist only in the browser build.
const BROWSER_CRATES: &[&str] = &[
    "leptos",
    "leptos_use",
    "web_sys",
    "wasm_bindgen",
    "wasm_bindgen_futures",
    "js_sys",
    "gloo",
    "serde_wasm_bindgen",
    "console_error_panic_hook",
];

/// Parts of the crate the core must never use.
const OUTER_MODULES: &[&str] = &["crate::ui", "crate::browser", "crate::cli"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("src/core is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source without comments, so doc examples (`use loupe::...`) do not count. String
/// literals are kept: a path inside one is rare, and would only be checked too strictly.
fn code_of(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("/*") {
            rest = after.find("*/").map_or("", |end| &after[end + 2..]);
        } else if rest.starts_with("//") {
            rest = rest.find('\n').map_or("", |end| &rest[end..]);
        } else if rest.starts_with('"') {
            // Skip a string literal whole, so "http://..." is not read as a comment.
            let mut end = 1;
            let bytes = rest.as_bytes();
            while end < bytes.len() && bytes[end] != b'"' {
                end += if bytes[end] == b'\\' { 2 } else { 1 };
            }
            let end = (end + 1).min(rest.len());
            out.push_str(&rest[..end]);
            rest = &rest[end..];
        } else {
            let c = rest.chars().next().expect("not empty");
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The first identifiers after `prefix` wherever it occurs at a word start: for
/// `crate::core::{model::X, edit}` both `model` and `edit`.
fn heads_after(code: &str, prefix: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = code[from..].find(prefix) {
        let start = from + at;
        from = start + prefix.len();
        if code[..start]
            .chars()
            .next_back()
            .is_some_and(|c| is_ident(c) || c == ':')
        {
            continue;
        }
        let rest = &code[from..];
        if let Some(group) = rest.strip_prefix('{') {
            // A group: the first segment of each item at the top level.
            let mut depth = 0;
            let mut item_start = true;
            let mut word = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if is_ident(c) && depth == 0 && item_start => word.push(c),
                    _ => {
                        if !word.is_empty() {
                            found.push(std::mem::take(&mut word));
                            item_start = false;
                        }
                    }
                }
            }
            if !word.is_empty() {
                found.push(word);
            }
        } else {
            let word: String = rest.chars().take_while(|&c| is_ident(c)).collect();
            if !word.is_empty() {
                found.push(word);
            }
        }
    }
    found
}

/// The core module a file belongs to, and how many `super::` lead from it to the core.
fn module_of(core: &Path, file: &Path) -> Option<(String, usize)> {
    let parts: Vec<String> = file
        .strip_prefix(core)
        .ok()?
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let name = parts.first()?.trim_end_matches(".rs").to_owned();
    if name == "mod" {
        return None;
    }
    // src/core/x.rs and src/core/x/mod.rs sit one level below the core.
    let last = parts.last()?;
    let depth = parts.len() - usize::from(last == "mod.rs");
    Some((name, depth))
}

struct Use {
    file: PathBuf,
    what: String,
}

/// For each module, the core modules it uses, with a file that uses each.
fn core_uses(core: &Path, names: &[&str]) -> BTreeMap<String, BTreeMap<String, PathBuf>> {
    let mut files = Vec::new();
    rust_files(core, &mut files);
    let mut uses: BTreeMap<String, BTreeMap<String, PathBuf>> = BTreeMap::new();
    for file in files {
        let Some((module, depth)) = module_of(core, &file) else {
            continue;
        };
        let code = code_of(&fs::read_to_string(&file).expect("a source file"));
        let mut used = heads_after(&code, "crate::core::");
        used.extend(heads_after(&code, &"super::".repeat(depth)));
        let entry = uses.entry(module.clone()).or_default();
        for name in used {
            if name != module && names.contains(&name.as_str()) {
                entry.entry(name).or_insert_with(|| file.clone());
            }
        }
    }
    uses
}

fn core_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/core")
}

#[test]
fn every_core_module_has_a_layer() {
    let mut files = Vec::new();
    rust_files(&core_dir(), &mut files);
    let known: Vec<&str> = LAYERS.iter().map(|(n, _)| *n).collect();
    let mut missing: Vec<String> = files
        .iter()
        .filter_map(|f| module_of(&core_dir(), f))
        .map(|(m, _)| m)
        .filter(|m| !known.contains(&m.as_str()))
        .collect();
    missing.sort();
    missing.dedup();
    assert!(
        missing.is_empty(),
        "give these core modules a rank in LAYERS (tests/layers.rs): {missing:?}"
    );
}

/// Each use of a module of the same or a higher layer, as a sentence.
fn layer_violations(core: &Path) -> Vec<String> {
    let names: Vec<&str> = LAYERS.iter().map(|(n, _)| *n).collect();
    let rank: BTreeMap<&str, u32> = LAYERS.iter().copied().collect();
    let mut wrong = Vec::new();
    for (module, used) in core_uses(core, &names) {
        let Some(&own) = rank.get(module.as_str()) else {
            continue;
        };
        for (dep, file) in used {
            if rank[dep.as_str()] >= own {
                wrong.push(format!(
                    "{module} (layer {own}) uses {dep} (layer {}) in {}",
                    rank[dep.as_str()],
                    file.display()
                ));
            }
        }
    }
    wrong
}

#[test]
fn no_core_module_uses_a_higher_or_equal_layer() {
    let wrong = layer_violations(&core_dir());
    assert!(wrong.is_empty(), "forbidden uses:\n{}", wrong.join("\n"));
}

/// The check finds a cycle: edit and validate using each other, as they once did.
#[test]
fn a_lower_layer_using_a_higher_one_is_found() {
    let dir = std::env::temp_dir().join(format!("loupe-layers-{}", std::process::id()));
    let core = dir.join("core");
    fs::create_dir_all(core.join("format")).unwrap();
    fs::write(
        core.join("validate.rs"),
        "use super::edit::{check_spans, EditError};\n",
    )
    .unwrap();
    fs::write(core.join("edit.rs"), "use super::validate::validate;\n").unwrap();
    fs::write(
        core.join("format/brat.rs"),
        "use super::super::sync::Lineage;\nfn f() { crate::core::workspace::open(); }\n",
    )
    .unwrap();
    let wrong = layer_violations(&core);
    fs::remove_dir_all(&dir).unwrap();
    assert_eq!(wrong.len(), 3, "{wrong:#?}");
    assert!(
        wrong[0].starts_with("format (layer 6) uses sync (layer 6)"),
        "{wrong:#?}"
    );
    assert!(
        wrong[1].starts_with("format (layer 6) uses workspace (layer 10)"),
        "{wrong:#?}"
    );
    assert!(
        wrong[2].starts_with("validate (layer 3) uses edit (layer 4)"),
        "{wrong:#?}"
    );
}

#[test]
fn the_core_uses_no_browser_crate_and_no_outer_module() {
    let mut files = Vec::new();
    rust_files(&core_dir(), &mut files);
    let mut wrong: Vec<Use> = Vec::new();
    for file in files {
        let code = code_of(&fs::read_to_string(&file).expect("a source file"));
        for krate in BROWSER_CRATES {
            let used = heads_after(&code, &format!("{krate}::")).len()
                + heads_after(&code, &format!("::{krate}::")).len();
            let extern_crate = code.contains(&format!("extern crate {krate}"));
            if used > 0 || extern_crate {
                wrong.push(Use {
                    file: file.clone(),
                    what: (*krate).to_owned(),
                });
            }
        }
        for outer in OUTER_MODULES {
            if code.contains(&format!("{outer}::")) || code.contains(&format!("{outer};")) {
                wrong.push(Use {
                    file: file.clone(),
                    what: (*outer).to_owned(),
                });
            }
        }
    }
    let lines: Vec<String> = wrong
        .iter()
        .map(|u| format!("{} uses {}", u.file.display(), u.what))
        .collect();
    assert!(
        lines.is_empty(),
        "the core must stay pure:\n{}",
        lines.join("\n")
    );
}

/// The checks themselves: a forbidden use in a made-up source is found.
#[test]
fn the_parser_finds_uses_in_groups_paths_and_skips_comments() {
    let code = code_of(
        "//! use crate::core::sync::X;\n\
         use crate::core::{model::{A, B}, edit};\n\
         let u = \"http://example.org\"; use super::super::storage::Y;\n\
         fn f() { crate::core::format::loupe::to_json(); }\n\
         /* crate::core::workspace */",
    );
    assert_eq!(
        heads_after(&code, "crate::core::"),
        ["model", "edit", "format"]
    );
    assert_eq!(heads_after(&code, "super::super::"), ["storage"]);
    assert!(heads_after(&code, "leptos::").is_empty());
    assert_eq!(
        heads_after("use leptos::prelude::*;", "leptos::"),
        ["prelude"]
    );
    assert!(heads_after("use my_leptos::x;", "leptos::").is_empty());
}
