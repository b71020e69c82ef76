"""OneIE: every sentence carries what its loader (IEDataset.load_data) reads, and the
pieces are the ones BERT's own tokenizer (transformers.BertTokenizer, with the same
vocab.txt) makes for each token; every mention and trigger indexes its tokens."""

import json
import tempfile
from pathlib import Path

from transformers import BertTokenizer

from common import DOCS, check, export, ok, spans, triggers

# A small cased vocabulary: whole words, word pieces, punctuation and one CJK character.
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "Vladimir", "Put", "##in", "’", "'", "s",
         "forces", "hit", "Ukraine", "the", "US", "president", "Ky", "##iv", "-", "based", "did",
         "n", "t", "Russian", "Ode", "##sa", "“", "”", ".", ",", "東", "Zel", "##ensky", "aide",
         "met", "José", "Martí", "Paris", "He", "ll", "return", "to", "on", "Friday", "in"]
vocab = Path(tempfile.mkdtemp(prefix="loupe-interop-oneie-")) / "vocab.txt"
vocab.write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
bert = BertTokenizer(vocab=str(vocab), do_lower_case=False)

out, notes = export("oneie", "corpus.oneie.json", "--wordpiece-vocab", vocab)
sentences = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
names = {d["name"] for d in DOCS}
check({s["doc_id"] for s in sentences} == names, f"doc_id is the document's name: {[s['doc_id'] for s in sentences]}")
written = {d["name"]: [] for d in DOCS}
for s in sentences:
    for key in ("doc_id", "sent_id", "tokens", "pieces", "token_lens", "entity_mentions", "relation_mentions", "event_mentions"):
        check(key in s, f"{s['sent_id']} has no {key!r}: OneIE's loader needs it")
    want = [bert.tokenize(t) or ["[UNK]"] for t in s["tokens"]]
    check(s["token_lens"] == [len(p) for p in want], f"{s['sent_id']}: token_lens {s['token_lens']}")
    check(s["pieces"] == [p for ps in want for p in ps], f"{s['sent_id']}: pieces {s['pieces']} != {want}")
    for m in s["entity_mentions"]:
        joined = "".join(s["tokens"][m["start"] : m["end"]])
        check(joined == m["text"].replace(" ", ""), f"{m['id']}: tokens {joined!r} for {m['text']!r}")
        check(m["mention_type"] in ("NAM", "NOM", "PRO"), m["mention_type"])
        written[s["doc_id"]].append((m["text"], m["entity_type"]))
    for e in s["event_mentions"]:
        t = e["trigger"]
        check("".join(s["tokens"][t["start"] : t["end"]]) == t["text"], f"{e['id']}: trigger")
        ids = {m["id"] for m in s["entity_mentions"]}
        check(all(a["entity_id"] in ids for a in e["arguments"]), f"{e['id']}: an argument is not in its sentence")
for doc in DOCS:
    check(sorted(written[doc["name"]]) == sorted((q, k) for _, _, k, q in spans(doc)), f"{doc['name']}: every mention")
pronoun = [m for s in sentences for m in s["entity_mentions"] if m["text"] == "He"]
check(pronoun and pronoun[0]["mention_type"] == "PRO", "he is a pronoun")
check("mention types inferred" in notes, "the report says which mention types were inferred")
ok(f"BertTokenizer pieces and OneIE's keys on {len(sentences)} sentences, every mention on its tokens")
