//! A validator for the subset of JSON Schema (2020-12) that `schemas/loupe-1.schema.json`
//! uses, so the test that checks exported files against the schema needs no heavy
//! dependency. A keyword outside the subset fails loudly rather than being ignored, so
//! the schema file cannot silently outgrow this checker.

use serde_json::Value;

/// Keywords that only document the schema.
const ANNOTATIONS: &[&str] = &["$schema", "$id", "$defs", "title", "description"];

/// Every violation of `schema` by `value`, as `path: problem`. Empty when valid.
pub fn check(root: &Value, value: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    check_at(root, root, value, "$", &mut errors);
    errors
}

fn type_matches(name: &str, value: &Value) -> bool {
    match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "integer" => value.is_u64() || value.is_i64(),
        "number" => value.is_number(),
        "null" => value.is_null(),
        other => panic!("unsupported JSON Schema type {other:?}"),
    }
}

/// The patterns the schema uses, checked without a regex engine.
fn pattern_matches(pattern: &str, s: &str) -> bool {
    match pattern {
        "^#[0-9a-fA-F]{6}$" => {
            s.len() == 7 && s.starts_with('#') && s[1..].chars().all(|c| c.is_ascii_hexdigit())
        }
        "^[0-9a-f]{64}$" => {
            s.len() == 64
                && s.chars()
                    .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
        }
        other => panic!("pattern {other:?} is outside the supported subset; add it here"),
    }
}

fn check_at(root: &Value, schema: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
    let Some(schema) = schema.as_object() else {
        panic!("{path}: a schema must be an object");
    };
    for (keyword, arg) in schema {
        match keyword.as_str() {
            k if ANNOTATIONS.contains(&k) => {}
            "$ref" => {
                let name = arg
                    .as_str()
                    .and_then(|r| r.strip_prefix("#/$defs/"))
                    .unwrap_or_else(|| panic!("only #/$defs/ references are supported: {arg}"));
                let target = &root["$defs"][name];
                assert!(!target.is_null(), "unresolved $ref {name}");
                check_at(root, target, value, path, errors);
            }
            "type" => {
                let names: Vec<&str> = match arg {
                    Value::String(s) => vec![s.as_str()],
                    Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
                    _ => panic!("bad type keyword {arg}"),
                };
                if !names.iter().any(|n| type_matches(n, value)) {
                    errors.push(format!(
                        "{path}: expected {}, found {value}",
                        names.join(" or ")
                    ));
                }
            }
            "const" if value != arg => {
                errors.push(format!("{path}: expected {arg}, found {value}"))
            }
            "const" => {}
            "enum" => {
                let options = arg.as_array().expect("enum takes a list");
                if !options.contains(value) {
                    errors.push(format!("{path}: {value} is not one of {arg}"));
                }
            }
            "properties" | "additionalProperties" | "required" => {
                let Some(object) = value.as_object() else {
                    continue;
                };
                let properties = schema.get("properties").and_then(Value::as_object);
                if keyword == "required" {
                    for name in arg.as_array().expect("required takes a list") {
                        let name = name.as_str().expect("required names are strings");
                        if !object.contains_key(name) {
                            errors.push(format!("{path}: missing required {name:?}"));
                        }
                    }
                    continue;
                }
                for (key, item) in object {
                    let child = format!("{path}.{key}");
                    match (keyword.as_str(), properties.and_then(|p| p.get(key))) {
                        ("properties", Some(sub)) => check_at(root, sub, item, &child, errors),
                        ("additionalProperties", None) => match arg {
                            Value::Bool(false) => {
                                errors.push(format!("{path}: unexpected key {key:?}"))
                            }
                            Value::Bool(true) => {}
                            sub => check_at(root, sub, item, &child, errors),
                        },
                        _ => {}
                    }
                }
            }
            "items" => {
                for (i, item) in value.as_array().into_iter().flatten().enumerate() {
                    check_at(root, arg, item, &format!("{path}[{i}]"), errors);
                }
            }
            "minItems" | "maxItems" => {
                let Some(items) = value.as_array() else {
                    continue;
                };
                let bound = arg.as_u64().expect("a count") as usize;
                if (keyword == "minItems" && items.len() < bound)
                    || (keyword == "maxItems" && items.len() > bound)
                {
                    errors.push(format!(
                        "{path}: {keyword} {bound} violated by {} items",
                        items.len()
                    ));
                }
            }
            "minLength" | "maxLength" => {
                let Some(s) = value.as_str() else { continue };
                // JSON Schema counts code points, as Loupe does.
                let (len, bound) = (s.chars().count(), arg.as_u64().expect("a count") as usize);
                if (keyword == "minLength" && len < bound)
                    || (keyword == "maxLength" && len > bound)
                {
                    errors.push(format!("{path}: {keyword} {bound} violated by {s:?}"));
                }
            }
            "minimum" => {
                if let (Some(n), Some(min)) = (value.as_f64(), arg.as_f64()) {
                    if n < min {
                        errors.push(format!("{path}: {n} is below the minimum {min}"));
                    }
                }
            }
            "pattern" => {
                if let Some(s) = value.as_str() {
                    if !pattern_matches(arg.as_str().expect("a pattern string"), s) {
                        errors.push(format!("{path}: {s:?} does not match {arg}"));
                    }
                }
            }
            "oneOf" => {
                let branches = arg.as_array().expect("oneOf takes a list");
                let passing = branches
                    .iter()
                    .filter(|b| {
                        let mut sub = Vec::new();
                        check_at(root, b, value, path, &mut sub);
                        sub.is_empty()
                    })
                    .count();
                if passing != 1 {
                    errors.push(format!(
                        "{path}: {value} matches {passing} of the oneOf branches, not exactly one"
                    ));
                }
            }
            other => panic!("JSON Schema keyword {other:?} is outside the supported subset"),
        }
    }
}
