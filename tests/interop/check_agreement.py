"""Loupe's agreement figures against independent implementations.

Krippendorff's alpha (nominal, over the IOB2 tags of tokens) is checked against the
`krippendorff` package, and the coreference scores (MUC, B-cubed, CEAFe, CoNLL-2012)
against `scorch`, per document and for the corpus. The texts are words separated by
single spaces, so their tokens are `str.split()` and their tags can be computed here
without Loupe's tokenizer. The corpus has a document nobody annotated: Loupe leaves it
out of the token measures by default, and so does this check.

Run through scripts/interop.sh; LOUPE_BIN names the CLI (default target/debug/loupe).
"""

import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import warnings

import krippendorff
import numpy as np
from scorch import scores

LOUPE = os.environ.get("LOUPE_BIN", "target/debug/loupe")
WORDS = ("army city mayor port ship rounds brigade minister talks border village "
         "convoy harbour bridge council police").split()
TYPES = ["PER", "ORG", "GPE", "LOC"]
TOL = 1e-9


def text_of(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))


def word_spans(text):
    spans, at = [], 0
    for w in text.split(" "):
        spans.append((at, at + len(w)))
        at += len(w) + 1
    return spans


def annotate(rng, text, chance):
    """Random non-overlapping mentions on whole words, some put in clusters."""
    spans = word_spans(text)
    mentions, i = [], 0
    while i < len(spans):
        if rng.random() < chance:
            length = rng.choice([1, 1, 2])
            end = min(i + length, len(spans))
            mentions.append((spans[i][0], spans[end - 1][1], rng.choice(TYPES)))
            i = end
        else:
            i += 1
    # Chains: each mention joins one of a few clusters, or none.
    clusters = rng.randint(1, 4)
    entity = [rng.choice([None] + [f"C{k}" for k in range(1, clusters + 1)]) for _ in mentions]
    return mentions, entity


def document(title, text, mentions, entity):
    ms, used = [], set()
    for n, ((s, e, kind), c) in enumerate(zip(mentions, entity), start=1):
        m = {"id": f"T{n}", "type": kind, "fragments": [[s, e]], "text": text[s:e]}
        if c is not None:
            m["entity"] = c
            used.add(c)
        ms.append(m)
    ents = [{"id": c, "name": c, "type": "PER"} for c in sorted(used)]
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return {"id": "d" + sha[:16], "title": title, "status": "in_progress" if ms else "not_started",
            "sha256": sha, "text": text, "mentions": ms, "entities": ents,
            "events": [], "relations": []}


def iob(text, mentions):
    spans = word_spans(text)
    tags = ["O"] * len(spans)
    for s, e, kind in mentions:
        inside = [k for k, (ws, we) in enumerate(spans) if ws >= s and we <= e]
        for j, k in enumerate(inside):
            tags[k] = ("B-" if j == 0 else "I-") + kind
    return tags


def chains(mentions, entity):
    by = {}
    for (s, e, _), c in zip(mentions, entity):
        if c is not None:
            by.setdefault(c, set()).add((s, e))
    return list(by.values())


def alpha_of(rows):
    values = sorted({v for r in rows for v in r})
    code = {v: i for i, v in enumerate(values)}
    data = np.array([[code[v] for v in r] for r in rows], dtype=float)
    if len(values) < 2:
        return 1.0  # Loupe's rule: a single value everywhere agrees completely
    return krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")


def close(what, ours, theirs, failures):
    if abs(ours - theirs) > TOL:
        failures.append(f"{what}: loupe {ours!r}, reference {theirs!r}")


def non_degenerate(cs):
    """scorch gives 0 where Loupe's rule gives 1 or where links are missing on one side."""
    return cs and any(len(c) > 1 for c in cs)


def reference(metric, key, response):
    # scorch's harmonic mean raises when recall and precision are both 0; F1 is 0 then.
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return metric(key, response)
    except statistics.StatisticsError:
        return 0.0, 0.0, 0.0


def check_coref(label, ours, key, response, failures):
    for name, metric in (("muc", scores.muc), ("b_cubed", scores.b_cubed), ("ceafe", scores.ceaf_e)):
        r, p, f = reference(metric, key, response)
        close(f"{label} {name} recall", ours[name]["recall"], r, failures)
        close(f"{label} {name} precision", ours[name]["precision"], p, failures)
        close(f"{label} {name} f1", ours[name]["f1"], f, failures)
    f1s = [reference(m, key, response)[2] for m in (scores.muc, scores.b_cubed, scores.ceaf_e)]
    close(f"{label} conll", ours["conll"], sum(f1s) / 3, failures)


def main():
    rng = random.Random(20261201)
    annotators = ["ann", "bob", "cy"]
    texts = [text_of(rng, rng.randint(12, 40)) for _ in range(6)]
    quiet = "nobody annotated this document at all"
    work = {a: [annotate(rng, t, rng.uniform(0.2, 0.5)) for t in texts] for a in annotators}
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for a in annotators:
            docs = [document(f"doc {n}", t, *work[a][n]) for n, t in enumerate(texts)]
            docs.append(document("quiet", quiet, [], []))
            path = os.path.join(tmp, f"{a}.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump({"format": "loupe", "format_version": 1, "annotator": a,
                           "documents": docs}, f)
            files.append(path)
        run = subprocess.run([LOUPE, "agree", *files, "--json", "-"],
                             capture_output=True, text=True, check=False)
        if run.returncode != 0:
            sys.exit(f"loupe agree failed ({run.returncode}): {run.stderr}")
        report = json.loads(run.stdout)

    tags = {a: [iob(t, work[a][n][0]) for n, t in enumerate(texts)] for a in annotators}
    flat = {a: [x for doc in tags[a] for x in doc] for a in annotators}
    # All three annotators, over the six annotated documents; "quiet" is left out.
    ours = report["krippendorff_alpha"]
    close("alpha, all annotators", ours["alpha"], alpha_of([flat[a] for a in annotators]), failures)
    if report["token_units"]["tokens"] != len(flat["ann"]):
        failures.append(f"token units {report['token_units']['tokens']} != {len(flat['ann'])}")
    if [d["title"] for d in report["token_units"]["left_out"]] != ["quiet"]:
        failures.append(f"left out: {report['token_units']['left_out']}")
    checked = 0
    for pair in report["pairs"]:
        a, b = pair["a"], pair["b"]
        close(f"alpha {a}/{b}", pair["total"]["token_alpha"]["alpha"], alpha_of([flat[a], flat[b]]), failures)
        # Coreference: B is the key. Per document, then the corpus as one partition of
        # (document, span) mentions, which is what summing the documents' counts gives.
        all_key, all_resp = [], []
        for n, d in enumerate(pair["per_document"][:len(texts)]):
            key = chains(*work[b][n])
            resp = chains(*work[a][n])
            all_key += [{(n, m) for m in c} for c in key]
            all_resp += [{(n, m) for m in c} for c in resp]
            if non_degenerate(key) and non_degenerate(resp):
                check_coref(f"{a}/{b} doc {n}", d["scores"]["coreference"], key, resp, failures)
                checked += 1
            close(f"alpha {a}/{b} doc {n}", d["scores"]["token_alpha"]["alpha"],
                  alpha_of([tags[a][n], tags[b][n]]), failures)
        check_coref(f"{a}/{b} corpus", pair["total"]["coreference"], all_key, all_resp, failures)
    if checked < 6:
        failures.append(f"only {checked} documents had chains to compare; change the seed")
    if failures:
        print("\n".join(failures))
        sys.exit(f"check_agreement: {len(failures)} figures differ from the references")
    print(f"check_agreement: alpha and coreference agree with krippendorff and scorch "
          f"({len(report['pairs'])} pairs, {checked} documents with chains)")


if __name__ == "__main__":
    main()
