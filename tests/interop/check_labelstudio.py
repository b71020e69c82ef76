"""Label Studio: its own converter (label_studio_sdk.converter) reads the tasks with the
labeling config Loupe writes; every region, counted in UTF-16 code units as Label Studio's
frontend counts, selects its text, and the relations and event arguments arrive."""

import json
import tempfile
from pathlib import Path

from label_studio_sdk.converter import Converter

from common import DOCS, check, export, ok, spans, triggers


def utf16_slice(text, start, end):
    units = text.encode("utf-16-le")
    return units[start * 2 : end * 2].decode("utf-16-le")


out, _ = export("labelstudio", "ls")
config = (out / "label_config.xml").read_text(encoding="utf-8")
work = Path(tempfile.mkdtemp(prefix="loupe-interop-ls-"))
converter = Converter(config=config, project_dir=str(work), download_resources=False)
converter.convert(str(out / "corpus.labelstudio.json"), str(work), "JSON_MIN", is_dir=False)
rows = json.loads((work / "result.json").read_text(encoding="utf-8"))
check(len(rows) == len(DOCS), f"{len(rows)} tasks read")
tasks = json.loads((out / "corpus.labelstudio.json").read_text(encoding="utf-8"))
for doc, row, task in zip(DOCS, rows, tasks):
    check(row["text"] == doc["text"], f"{doc['name']}: the task's text")
    got = []
    for control in ("label", "event"):
        for region in row.get(control, []):
            text = utf16_slice(doc["text"], region["start"], region["end"])
            check(text == region["text"], f"{doc['name']}: {region} selects {text!r}")
            got.append((text, region["labels"][0]))
    want = [(q, k) for _, _, k, q in spans(doc) + triggers(doc)]
    check(sorted(got) == sorted(want), f"{doc['name']}: {sorted(got)}")
    result = task["annotations"][0]["result"]
    regions = {r["id"]: r for r in result if r["type"] == "labels"}
    links = sorted(
        (regions[r["from_id"]]["value"]["text"], r["labels"][0], regions[r["to_id"]]["value"]["text"])
        for r in result
        if r["type"] == "relation"
    )
    quote = {i: q for i, (_, _, _, q) in enumerate(spans(doc))}
    want = sorted(
        [(t, role, quote[m]) for (t, _, args) in doc["events"] for role, m in args]
        + [(quote[a], kind, quote[b]) for kind, a, b in doc["relations"]]
    )
    check(links == want, f"{doc['name']}: relations {links}")
ok(f"label_studio_sdk Converter: {len(rows)} tasks, every region on its UTF-16 text")
