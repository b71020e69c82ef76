"""loupe/1: jsonschema validates the export against schemas/loupe-1.schema.json, and every
mention's quoted text sits at its code point offsets."""

import jsonschema

from common import DOCS, ROOT, check, export, load_json, ok, spans

out, _ = export("loupe", "corpus.json")
value = load_json(out)
schema = load_json(ROOT / "schemas" / "loupe-1.schema.json")
jsonschema.validators.validator_for(schema)(schema).validate(value)
by_text = {d["text"]: d for d in value["documents"]}
check(len(by_text) == len(DOCS), "every document, with its text as it was")
for doc in DOCS:
    stored = by_text[doc["text"]]
    got = sorted(
        (s, e, m["type"], doc["text"][s:e]) for m in stored["mentions"] for s, e in m["fragments"]
    )
    check(got == sorted(spans(doc)), f"{doc['name']}: {got}")
    check(all(doc["text"][m["fragments"][0][0]:m["fragments"][0][1]] == m["text"] for m in stored["mentions"]), "quotes")
ok(f"jsonschema: {len(value['documents'])} documents valid against loupe/1, every mention on its text")
