"""What every interop check shares: the test corpus, written as a brat folder that the
Loupe CLI converts, and the facts each check compares a consumer's reading against.

The texts hold what breaks tools: possessives and clitics (’s, 's, n't, 'll), hyphens,
curly quotes, astral emoji (one a ZWJ family), CJK, combining marks and CRLF line breaks.
Offsets here are Python str indices: code points, as Loupe counts.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

LOUPE = os.environ.get("LOUPE_BIN", "target/debug/loupe")
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

DOCS = [
    {
        "name": "strike",
        "text": "Vladimir Putin’s forces hit Ukraine's grid, the US president’s envoy said.\r\n"
        "Kyiv-based crews didn't stop the pro-Russian units 🚀 near “Odesa”.",
        "mentions": [
            ("Vladimir Putin", "PER", 0),
            ("Ukraine", "GPE", 0),
            ("the US president", "PER", 0),
            ("US", "GPE", 0),
            ("Kyiv-based crews", "ORG", 0),
            ("Kyiv", "GPE", 0),
            ("Russian", "GPE", 0),
            ("Odesa", "GPE", 0),
        ],
        # (trigger, type, [(role, mention index)])
        "events": [("hit", "Attack", [("Attacker", 0), ("Target", 1)])],
        # (type, arg1 mention index, arg2 mention index)
        "relations": [("ORG-AFF", 2, 3)],
        "clusters": [],
    },
    {
        "name": "summit",
        "text": "東京で会談した Zelensky’s aide met Jose\u0301 Marti\u0301 in Paris 👩‍👩‍👧.\r\n"
        "He'll return to 東京 on Friday.",
        "mentions": [
            ("東京", "GPE", 0),
            ("Zelensky", "PER", 0),
            ("Zelensky’s aide", "PER", 0),
            ("Jose\u0301 Marti\u0301", "PER", 0),
            ("Paris", "GPE", 0),
            ("He", "PER", 0),
            ("東京", "GPE", 1),
        ],
        "events": [("met", "Meet", [("Entity", 2), ("Entity", 3), ("Place", 4)])],
        "relations": [],
        "clusters": [[3, 5]],
    },
]


def find(text, quote, nth):
    """The code point offset of the nth occurrence of quote in text."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(quote, at + 1)
    return at


def spans(doc):
    """(start, end, type, quote) of each mention, in the order of doc["mentions"]."""
    out = []
    for quote, kind, nth in doc["mentions"]:
        start = find(doc["text"], quote, nth)
        out.append((start, start + len(quote), kind, quote))
    return out


def triggers(doc):
    """(start, end, type, quote) of each event trigger."""
    out = []
    for quote, kind, _ in doc["events"]:
        start = find(doc["text"], quote, 0)
        out.append((start, start + len(quote), kind, quote))
    return out


def outermost(doc):
    """The mentions a layer without nesting keeps (the longest first, as Loupe does), in
    text order."""
    kept = []
    for s in sorted(spans(doc), key=lambda m: (-(m[1] - m[0]), m[0])):
        if all(s[1] <= k[0] or k[1] <= s[0] for k in kept):
            kept.append(s)
    return sorted(kept)


def write_brat(folder):
    """The corpus as a brat folder (no annotation.conf: Loupe infers the schema)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for doc in DOCS:
        lines = []
        ms = spans(doc)
        for n, (s, e, kind, quote) in enumerate(ms, 1):
            lines.append(f"T{n}\t{kind} {s} {e}\t{quote}")
        t = len(ms)
        for n, ((s, e, kind, quote), (_, _, args)) in enumerate(zip(triggers(doc), doc["events"]), 1):
            t += 1
            lines.append(f"T{t}\t{kind} {s} {e}\t{quote}")
            roles = " ".join(f"{role}:T{m + 1}" for role, m in args)
            lines.append(f"E{n}\t{kind}:T{t} {roles}")
        for n, (kind, a, b) in enumerate(doc["relations"], 1):
            lines.append(f"R{n}\t{kind} Arg1:T{a + 1} Arg2:T{b + 1}")
        for cluster in doc["clusters"]:
            lines.append("*\tEquiv " + " ".join(f"T{m + 1}" for m in cluster))
        # newline="" keeps the CRLF of the text as it is.
        with open(folder / f"{doc['name']}.txt", "w", encoding="utf-8", newline="") as f:
            f.write(doc["text"])
        with open(folder / f"{doc['name']}.ann", "w", encoding="utf-8", newline="") as f:
            f.write("\n".join(lines) + "\n")
    return folder


def loupe(*args):
    """Run the Loupe CLI; returns its stderr (the notes). Fails the check on exit != 0."""
    run = subprocess.run([LOUPE, *map(str, args)], capture_output=True, text=True)
    if run.returncode != 0:
        fail(f"loupe {' '.join(map(str, args))} exited {run.returncode}:\n{run.stderr}")
    return run.stderr


def export(to, out_name, *extra):
    """Convert the corpus to format `to`; returns (output path, stderr)."""
    work = Path(tempfile.mkdtemp(prefix=f"loupe-interop-{to}-"))
    corpus = write_brat(work / "brat")
    out = work / out_name
    notes = loupe("convert", "--to", to, *extra, corpus, out)
    return out, notes


def by_title(items, key):
    """Index a list of per-document results by document name."""
    return {key(i): i for i in items}


def check(condition, message):
    if not condition:
        fail(message)


def fail(message):
    print(f"FAIL {Path(sys.argv[0]).name}: {message}", file=sys.stderr)
    sys.exit(1)


def ok(message):
    print(f"ok   {Path(sys.argv[0]).name}: {message}")


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)
