#!/usr/bin/env python3
"""Check gold/business-quotes-reuters-2006-2013.jsonl against the Reuters text it points into.

Usage: scripts/check-reuters-gold.py [DATA_DIR] [--gold FILE]
  DATA_DIR defaults to ../shared/data (relative to the repository root);
  FILE defaults to gold/business-quotes-reuters-2006-2013.jsonl.

Checks, per document: the id exists in reuters-2006-2013/articles.jsonl and is listed
once; the article text's sha256; `split` is present and is the id-hash split; claims are
sorted and disjoint; every span is inside the text, non-empty and without outer white
space; each quote sits between two quotation marks in one paragraph (or runs from a mark
to its paragraph's end, for a quote continued in the next paragraph); speaker, title, cue
and affiliation mentions lie outside all quotation-mark spans; a target mention lies in
its own quote or outside all quotes; continued claims have no cue; shapes, kinds and
sentiments are known values; no name span holds a ticker code; each organisation entry's
paragraph is a real paragraph holding a quote and its mention lies in it; every article
is in the seeded selection of scripts/reuters_candidates.py. Then prints counts. Exit
code 1 on any problem. Prints no data-set text.
"""

import collections
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reuters_candidates as rc  # noqa: E402

SHAPES = {"apposition", "premodifier", "possessive", "descriptor", "earlier-mention",
          "organisation", "document", "continued"}
KINDS = {"company", "institution"}
SENTIMENTS = {"positive", "neutral", "negative"}
TICKER = re.compile(r"\(|\)|\b[A-Z0-9]{2,}[a-z_]*\.[A-Z]{1,2}\b")


def main(argv):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    data = os.path.join(root, "..", "shared", "data")
    gold = os.path.join(root, "gold", "business-quotes-reuters-2006-2013.jsonl")
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--gold":
            gold = args.pop(0)
        else:
            data = a
    arts = rc.load(data)
    by_id = {a["id"]: a for a in arts}
    order = {a["id"]: k for k, a in enumerate(rc.selection(arts))}
    problems = []
    c = collections.Counter()
    per_split = collections.defaultdict(collections.Counter)
    shapes = collections.Counter()
    kinds = collections.Counter()
    sentiments = collections.Counter()
    org_kinds = collections.Counter()
    seen = set()
    last_rank = -1

    def bad(where, msg):
        problems.append(f"{where}: {msg}")

    with open(gold, encoding="utf-8") as f:
        lines = [line for line in f if line.strip()]
    if not lines:
        print(f"{gold}: no documents", file=sys.stderr)
        return 1
    for n, line in enumerate(lines, 1):
        rec = json.loads(line)
        doc_id = rec.get("id")
        where = f"{gold}:{n} ({doc_id})"
        if doc_id in seen:
            bad(where, "document listed twice")
        seen.add(doc_id)
        if doc_id not in by_id:
            bad(where, "id not in the data file")
            continue
        if rec.get("file") != rc.FILE:
            bad(where, f"file is not {rc.FILE}")
        text = by_id[doc_id]["text"]
        if rc.sha256(text) != rec.get("text_sha256"):
            bad(where, "text_sha256 does not match the article text")
            continue
        split = rec.get("split")
        if split not in ("train", "dev"):
            bad(where, "split missing or not train/dev")
        elif split != rc.split_of(doc_id):
            bad(where, "split is not the id-hash split")
        if doc_id not in order:
            bad(where, "article is not in the seeded selection")
        else:
            last_rank = max(last_rank, order[doc_id])
        paras = rc.paragraphs(text)
        qspans = rc.quote_spans(text)
        all_q = [(s, e) for s, e, _, _ in qspans]
        by_span = {(s, e): (p, closed) for s, e, p, closed in qspans}

        def inside_quote(s):
            return any(s["start"] < e and qs < s["end"] for qs, e in all_q)

        def span(s, field, cw):
            if s is None:
                return False
            if not (0 <= s["start"] < s["end"] <= len(text)):
                bad(cw, f"{field} span {s} empty or outside the text ({len(text)})")
                return False
            piece = text[s["start"]:s["end"]]
            if piece != piece.strip():
                bad(cw, f"{field} span has outer white space")
            return True

        c["documents"] += 1
        per_split[split]["documents"] += 1
        claims = rec.get("claims", [])
        if claims:
            c["documents with quotes"] += 1
            per_split[split]["documents with quotes"] += 1
        quoted_paras = set()
        previous_end = -1
        for k, claim in enumerate(claims):
            cw = f"{where} claim {k}"
            q = claim["quote"]
            c["quotes"] += 1
            per_split[split]["quotes"] += 1
            if span(q, "quote", cw):
                key = (q["start"], q["end"])
                if key not in by_span:
                    bad(cw, "quote is not a quotation-mark span")
                else:
                    quoted_paras.add(by_span[key][0])
                if q["start"] < previous_end:
                    bad(cw, "quote overlaps the previous one (claims must be sorted, disjoint)")
                previous_end = q["end"]
            shape = claim.get("shape")
            if shape not in SHAPES:
                bad(cw, f"unknown shape {shape!r}")
            shapes[shape] += 1
            if span(claim.get("speaker"), "speaker", cw):
                c["with speaker"] += 1
                if inside_quote(claim["speaker"]):
                    bad(cw, "speaker inside a quote")
            else:
                bad(cw, "no speaker")
            for field in ("title", "cue"):
                if span(claim.get(field), field, cw):
                    c[f"with {field}"] += 1
                    if inside_quote(claim[field]):
                        bad(cw, f"{field} inside a quote")
            if shape == "continued" and claim.get("cue") is not None:
                bad(cw, "continued claim with a cue")
            aff = claim.get("affiliation")
            if aff is not None:
                c["with affiliation"] += 1
                if not aff.get("name", "").strip():
                    bad(cw, "affiliation has no name")
                if span(aff.get("mention"), "affiliation.mention", cw):
                    c["with affiliation mention"] += 1
                    if inside_quote(aff["mention"]):
                        bad(cw, "affiliation mention inside a quote")
                    if TICKER.search(text[aff["mention"]["start"]:aff["mention"]["end"]]):
                        bad(cw, "affiliation mention holds a ticker code")
            tg = claim.get("target")
            if tg is not None:
                c["with target"] += 1
                per_split[split]["with target"] += 1
                if not tg.get("name", "").strip():
                    bad(cw, "target has no name")
                if tg.get("kind") not in KINDS:
                    bad(cw, f"target kind {tg.get('kind')!r}")
                kinds[tg.get("kind")] += 1
                m = tg.get("mention")
                if span(m, "target.mention", cw):
                    c["with target mention"] += 1
                    in_own = q["start"] <= m["start"] and m["end"] <= q["end"]
                    if not in_own and inside_quote(m):
                        bad(cw, "target mention inside another quote")
                    if TICKER.search(text[m["start"]:m["end"]]):
                        bad(cw, "target mention holds a ticker code")
                if aff is not None and aff.get("name") == tg.get("name"):
                    c["target is the speaker's organisation"] += 1
        para_spans = {(s, e): p for p, (s, e) in enumerate(paras)}
        seen_orgs = set()
        for k, org in enumerate(rec.get("organisations", [])):
            ow = f"{where} organisation {k}"
            ps = (org["paragraph"]["start"], org["paragraph"]["end"])
            if ps not in para_spans:
                bad(ow, "paragraph span is not a paragraph")
                continue
            if para_spans[ps] not in quoted_paras:
                bad(ow, "paragraph holds no annotated quote")
            m = org.get("mention")
            if span(m, "mention", ow):
                if not (ps[0] <= m["start"] and m["end"] <= ps[1]):
                    bad(ow, "mention outside its paragraph")
                if TICKER.search(text[m["start"]:m["end"]]):
                    bad(ow, "mention holds a ticker code")
            if not org.get("name", "").strip():
                bad(ow, "no name")
            if org.get("kind") not in KINDS:
                bad(ow, f"kind {org.get('kind')!r}")
            if org.get("sentiment") not in SENTIMENTS:
                bad(ow, f"sentiment {org.get('sentiment')!r}")
            if (ps, org.get("name")) in seen_orgs:
                bad(ow, "organisation listed twice for one paragraph")
            seen_orgs.add((ps, org.get("name")))
            c["organisation entries"] += 1
            per_split[split]["organisation entries"] += 1
            sentiments[org.get("sentiment")] += 1
            org_kinds[org.get("kind")] += 1
        c["quoted paragraphs"] += len(quoted_paras)

    rows = ["documents", "documents with quotes", "quotes", "with speaker", "with title",
            "with affiliation", "with affiliation mention", "with target",
            "with target mention", "target is the speaker's organisation", "with cue",
            "quoted paragraphs", "organisation entries"]
    for key in rows:
        print(f"{key:38} {c[key]}")
    for split in ("dev", "train"):
        s = per_split[split]
        print(f"split {split:5} documents {s['documents']} ({s['documents with quotes']} with "
              f"quotes), quotes {s['quotes']}, targets {s['with target']}, organisation "
              f"entries {s['organisation entries']}")
    print("speaker shapes: " + ", ".join(f"{k} {v}" for k, v in shapes.most_common()))
    print("targets by kind: " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))
    print("organisations by sentiment: "
          + ", ".join(f"{k} {v}" for k, v in sentiments.most_common()))
    print("organisations by kind: " + ", ".join(f"{k} {v}" for k, v in org_kinds.most_common()))
    print(f"selection: all articles within the first {last_rank + 1} of the seeded list")
    for p in problems:
        print(p, file=sys.stderr)
    print("OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
