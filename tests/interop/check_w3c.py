"""W3C Web Annotation: pyld expands every page against the W3C context (served from
tests/interop/anno.jsonld, so nothing is fetched); event roles survive the expansion, and
every TextPositionSelector and TextQuoteSelector selects its text."""

import json
from pathlib import Path

from pyld import jsonld

from common import DOCS, HERE, check, export, ok, spans, triggers

W3C = "http://www.w3.org/ns/anno.jsonld"
OA = "http://www.w3.org/ns/oa#"
ROLE = "urn:loupe:vocab:role"
CONTEXT = json.loads((HERE / "anno.jsonld").read_text(encoding="utf-8"))


def loader(url, options=None):
    if url.rstrip("/") in (W3C, W3C.replace("http:", "https:")):
        return {"contextUrl": None, "documentUrl": url, "document": CONTEXT}
    raise RuntimeError(f"the check fetches nothing, but the page asked for {url}")


jsonld.set_document_loader(loader)
out, _ = export("w3c", "w3c")
texts = {p.read_bytes().decode("utf-8"): p for p in Path(out).glob("*.txt")}
roles = 0
for doc in DOCS:
    page_path = texts[doc["text"]].with_suffix(".jsonld")
    page = json.loads(page_path.read_text(encoding="utf-8"))
    expanded = jsonld.expand(page)
    flat = json.dumps(expanded)
    for _, _, args in doc["events"]:
        for role, _ in args:
            check(f'"{role}"' in flat, f"{doc['name']}: the role {role} was lost to the expansion")
    flattened = jsonld.flatten(page)
    graph = flattened["@graph"] if isinstance(flattened, dict) else flattened
    nodes = [n for n in graph if ROLE in n]
    roles += len(nodes)
    want_roles = sum(len(a) for _, _, a in doc["events"]) + len(doc["relations"])
    check(len(nodes) == want_roles, f"{doc['name']}: {len(nodes)} linking bodies keep a role, expected {want_roles}")
    selected = []
    for item in page["items"]:
        targets = item["target"] if isinstance(item["target"], list) else [item["target"]]
        for t in targets:
            if not isinstance(t, dict):
                continue
            sel = {s["type"]: s for s in t["selector"]}
            s, e = sel["TextPositionSelector"]["start"], sel["TextPositionSelector"]["end"]
            check(doc["text"][s:e] == sel["TextQuoteSelector"]["exact"], f"{doc['name']}: {s}-{e}")
            tag = next(b["value"] for b in item["body"] if b.get("purpose") == "tagging")
            selected.append((s, e, tag, doc["text"][s:e]))
    check(sorted(selected) == sorted(spans(doc) + triggers(doc)), f"{doc['name']}: {sorted(selected)}")
ok(f"pyld: {len(DOCS)} pages expanded offline, {roles} roles kept, every selector on its text")
