"""doccano: its importer guesses a file's encoding with chardet, which must read the file
as ASCII (non-ASCII is written as \\u escapes); offsets are UTF-16 code units by default
(the string indices of doccano's UI), grapheme clusters or code points on request."""

import json

import chardet

from common import DOCS, check, export, ok, spans


def utf16_slice(text, start, end):
    return text.encode("utf-16-le")[start * 2 : end * 2].decode("utf-16-le")


def lines(path):
    raw = path.read_bytes()
    guess = chardet.detect(raw)["encoding"]
    check(guess == "ascii", f"chardet guesses {guess!r}, which doccano would decode with")
    return [json.loads(line) for line in raw.decode(guess).splitlines() if line.strip()]


slicers = {
    "utf16": utf16_slice,
    "codepoints": lambda text, s, e: text[s:e],
}
for unit, cut in slicers.items():
    out, _ = export("doccano", "corpus.jsonl", "--offsets", unit)
    for doc, line in zip(DOCS, lines(out)):
        check(line["text"] == doc["text"], f"{doc['name']}: text")
        got = sorted((cut(doc["text"], e["start_offset"], e["end_offset"]), e["label"]) for e in line["entities"])
        want = sorted((q, k) for _, _, k, q in spans(doc))
        check(got == want, f"{doc['name']} in {unit}: {got}")
ok("chardet reads ASCII; utf16 and codepoint offsets select every entity's text")
