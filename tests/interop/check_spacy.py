"""spaCy JSON: every document read back by Doc.from_json (validated against spaCy's own
schema), saved and reloaded as a DocBin, with every entity, span and trigger on its text."""

import spacy
from spacy.tokens import Doc, DocBin

from common import DOCS, check, export, load_json, ok, outermost, spans, triggers

out, notes = export("spacy", "corpus.spacy.json")
nlp = spacy.blank("en")
docs = [Doc(nlp.vocab).from_json(d, validate=True) for d in load_json(out)]
check(len(docs) == len(DOCS), "one Doc per document")

restored = list(DocBin(docs=docs, store_user_data=True).from_bytes(
    DocBin(docs=docs, store_user_data=True).to_bytes()
).get_docs(nlp.vocab))

for doc, sdoc, back in zip(DOCS, docs, restored):
    check(sdoc.text == doc["text"], f"{doc['name']}: the Doc's text differs from the document")
    want = [(s, e, k, q) for s, e, k, q in outermost(doc)]
    for d in (sdoc, back):
        got = [(e.start_char, e.end_char, e.label_, e.text) for e in d.ents]
        check(got == want, f"{doc['name']}: ents {got}, expected {want}")
    # Nested mentions are kept in the span group, each on its exact text.
    got = sorted((s.start_char, s.end_char, s.label_, s.text) for s in back.spans["sc"])
    check(got == sorted(spans(doc)), f"{doc['name']}: spans['sc'] {got}")
    got = [(s.start_char, s.end_char, s.label_, s.text) for s in back.spans["triggers"]]
    check(got == triggers(doc), f"{doc['name']}: triggers {got}")
    check(len(list(sdoc.sents)) == doc["text"].count("\r\n") + 1, f"{doc['name']}: sentences")
check("event arguments dropped" in notes, "the report names what spaCy cannot hold")
ok(f"Doc.from_json and DocBin: {len(docs)} docs, {sum(len(d.spans['sc']) for d in docs)} spans on their text")
