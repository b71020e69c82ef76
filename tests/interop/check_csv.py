"""CSV: pandas reads it; every fragment row's offsets slice its text from the document,
and the title column names the document."""

import pandas as pd

from common import DOCS, check, export, ok, spans, triggers

out, _ = export("csv", "corpus.csv")
frame = pd.read_csv(out, keep_default_na=False, dtype=str)
check(list(frame.columns[:6]) == ["document", "title", "id", "kind", "type", "fragment"], f"{list(frame.columns)}")
for doc in DOCS:
    rows = frame[frame["title"] == doc["name"]]
    check(len(rows) > 0, f"rows titled {doc['name']}")
    spanned = rows[rows["kind"].isin(["mention", "event"])]
    for _, r in spanned.iterrows():
        s, e = int(r["start"]), int(r["end"])
        check(doc["text"][s:e] == r["text"], f"{doc['name']} {r['id']}: {doc['text'][s:e]!r} != {r['text']!r}")
    got = sorted((int(r["start"]), int(r["end"]), r["type"], r["text"]) for _, r in spanned.iterrows())
    check(got == sorted(spans(doc) + triggers(doc)), f"{doc['name']}: {got}")
ok(f"pandas: {len(frame)} rows, every fragment on its text")
