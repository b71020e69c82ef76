"""CoNLL IOB2, read by seqeval (strict IOB2) and by `spacy convert --converter ner -n 10`:
one Doc per document, every entity on its tokens."""

import subprocess
import sys
import tempfile
from pathlib import Path

import spacy
from seqeval.metrics import classification_report
from seqeval.scheme import IOB2, Entities
from spacy.tokens import DocBin

from common import DOCS, check, export, ok, outermost

out, _ = export("conll", "corpus.conll")
raw = out.read_text(encoding="utf-8")
check(raw.count("-DOCSTART- -X- O O\n") == len(DOCS), "one CoNLL-2003 break per document")

# Our own split, only to know which tokens belong to which document.
documents = [d for d in raw.split("-DOCSTART- -X- O O\n") if d.strip()]
for doc, block in zip(DOCS, documents):
    sentences = [[line.split("\t") for line in s.splitlines()] for s in block.strip().split("\n\n")]
    tags = [[t for _, t in s] for s in sentences]
    words = [w for s in sentences for w, _ in s]
    # Strict IOB2: seqeval raises on an I- that does not continue its B-.
    classification_report(tags, tags, mode="strict", scheme=IOB2, zero_division=0)
    found = []
    offset = 0
    for s, sent_tags in zip(sentences, tags):
        for entity in Entities([sent_tags], IOB2).entities[0]:
            text = "".join(w for w, _ in s[entity.start : entity.end])
            found.append((entity.tag, text))
        offset += len(s)
    want = [(kind, quote.replace(" ", "")) for _, _, kind, quote in outermost(doc)]
    check(found == want, f"{doc['name']}: seqeval read {found}, expected {want}")
    check(all(" " not in w and w for w in words), "no token holds whitespace")

# spaCy's own converter, with -n 10 as the issue says: the breaks must win.
work = Path(tempfile.mkdtemp(prefix="loupe-interop-spacy-convert-"))
run = subprocess.run(
    [sys.executable, "-m", "spacy", "convert", str(out), str(work), "--converter", "ner", "-n", "10"],
    capture_output=True,
    text=True,
)
check(run.returncode == 0, f"spacy convert failed:\n{run.stdout}\n{run.stderr}")
nlp = spacy.blank("en")
docs = list(DocBin().from_disk(work / "corpus.spacy").get_docs(nlp.vocab))
check(len(docs) == len(DOCS), f"spacy convert made {len(docs)} docs, expected {len(DOCS)}")
for doc, sdoc in zip(DOCS, docs):
    check("-DOCSTART-" not in sdoc.text, "a document break read as a word")
    got = [(e.label_, e.text.replace(" ", "")) for e in sdoc.ents]
    want = [(kind, quote.replace(" ", "")) for _, _, kind, quote in outermost(doc)]
    check(got == want, f"{doc['name']}: spaCy read {got}, expected {want}")
ok(f"seqeval and spacy convert -n 10: {len(docs)} docs, {sum(len(d.ents) for d in docs)} entities, each on its words")
