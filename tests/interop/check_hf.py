"""Hugging Face token classification: `datasets` loads the JSON Lines, casts ner_tags to
the label list's ClassLabel, and every entity is on its tokens."""

import json

import datasets
from seqeval.scheme import IOB2, Entities

from common import DOCS, check, export, ok, outermost

out, _ = export("hf", "hf")
labels = json.loads((out / "labels.json").read_text(encoding="utf-8"))
ds = datasets.load_dataset("json", data_files=str(out / "corpus.hf.jsonl"), split="train")
check(set(ds.column_names) >= {"id", "document", "tokens", "ner_tags"}, f"columns {ds.column_names}")
features = ds.features.copy()
features["ner_tags"] = datasets.Sequence(datasets.ClassLabel(names=labels))
cast = ds.cast(features)
names = cast.features["ner_tags"].feature.names
for doc in DOCS:
    rows = [r for r in cast if r["id"].startswith(doc["name"] + "-")]
    found = []
    for row in rows:
        tags = [names[i] for i in row["ner_tags"]]
        check(len(tags) == len(row["tokens"]), "a tag per token")
        for e in Entities([tags], IOB2).entities[0]:
            found.append((e.tag, "".join(row["tokens"][e.start : e.end])))
    want = [(kind, quote.replace(" ", "")) for _, _, kind, quote in outermost(doc)]
    check(found == want, f"{doc['name']}: read {found}, expected {want}")
ok(f"datasets with ClassLabel({len(labels)} labels): {len(cast)} sentences, every entity on its tokens")
