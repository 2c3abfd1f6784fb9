#!/usr/bin/env python3
"""Check gold/business-quotes-dev.jsonl against the CoNLL-2003 text it points into.

Usage: scripts/check-business-gold.py [DATA_DIR] [--gold FILE]
  DATA_DIR defaults to ../shared/data (relative to the repository root);
  FILE defaults to gold/business-quotes-dev.jsonl.

Rebuilds each document's text exactly as `eval::ner::document_text` does (see
scripts/conll_docs.py), checks its sha256, that every span lies inside the text and is
non-empty, that each quote sits between quotation-mark tokens, and that claims do not
overlap; then prints counts. Exit code 1 on any problem. Prints no data-set text.
"""

import collections
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import conll_docs  # noqa: E402

SHAPES = {"apposition", "premodifier", "possessive", "descriptor", "earlier-mention",
          "bare-name", "organisation", "document", "continued", "none"}


def main(argv):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    data = os.path.join(root, "..", "shared", "data")
    gold = os.path.join(root, "gold", "business-quotes-dev.jsonl")
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--gold":
            gold = args.pop(0)
        else:
            data = a
    cache = {}
    problems = []
    counts = collections.Counter()
    shapes = collections.Counter()
    seen_docs = set()

    def bad(where, msg):
        problems.append(f"{where}: {msg}")

    with open(gold, encoding="utf-8") as f:
        lines = [line for line in f if line.strip()]
    if not lines:
        print(f"{gold}: no documents", file=sys.stderr)
        return 1
    for n, line in enumerate(lines, 1):
        rec = json.loads(line)
        where = f"{gold}:{n} (doc {rec.get('doc')})"
        path = os.path.join(data, rec["file"])
        if path not in cache:
            cache[path] = conll_docs.read_docs(path)
        docs = cache[path]
        d = rec["doc"]
        if (rec["file"], d) in seen_docs:
            bad(where, "document listed twice")
        seen_docs.add((rec["file"], d))
        if not 0 <= d < len(docs):
            bad(where, f"doc index out of range (file has {len(docs)})")
            continue
        text, _ = conll_docs.doc_text(docs[d])
        if conll_docs.sha256(text) != rec["text_sha256"]:
            bad(where, "text_sha256 does not match the rebuilt text")
            continue
        counts["documents"] += 1
        previous_end = -1
        for k, claim in enumerate(rec["claims"]):
            cw = f"{where} claim {k}"

            def span(s, field):
                if s is None:
                    return False
                if not (0 <= s["start"] < s["end"] <= len(text)):
                    bad(cw, f"{field} span {s} empty or outside the text ({len(text)})")
                    return False
                if text[s["start"]:s["end"]] != text[s["start"]:s["end"]].strip():
                    bad(cw, f"{field} span has outer whitespace")
                return True

            q = claim["quote"]
            counts["quotes"] += 1
            if span(q, "quote"):
                before, after = text[max(0, q["start"] - 2):q["start"]], text[q["end"]:q["end"] + 2]
                if before not in ('" ', '"\n') or after not in (' "', '\n"'):
                    bad(cw, "quote does not sit between quotation-mark tokens")
                if q["start"] < previous_end:
                    bad(cw, "quote overlaps the previous one (claims must be sorted, disjoint)")
                previous_end = q["end"]
            for field in ("speaker", "title", "cue"):
                if span(claim.get(field), field):
                    counts[f"with {field}"] += 1
            for field in ("affiliation", "target"):
                v = claim.get(field)
                if v is None:
                    continue
                if not v.get("name", "").strip():
                    bad(cw, f"{field} has no name")
                counts[f"with {field}"] += 1
                if span(v.get("mention"), f"{field}.mention"):
                    counts[f"with {field} mention"] += 1
            shape = claim.get("shape", "none")
            if shape not in SHAPES:
                bad(cw, f"unknown shape {shape!r}")
            shapes[shape] += 1
    order = ["documents", "quotes", "with speaker", "with title", "with affiliation",
             "with affiliation mention", "with target", "with target mention", "with cue"]
    for key in order:
        print(f"{key:26} {counts[key]}")
    print("speaker shapes:")
    for shape, c in shapes.most_common():
        print(f"  {shape:24} {c}")
    for p in problems:
        print(p, file=sys.stderr)
    print("OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
