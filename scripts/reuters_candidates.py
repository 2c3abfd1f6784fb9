#!/usr/bin/env python3
"""Pick and show Reuters 2006-2013 articles for gold/business-quotes-reuters-2006-2013.jsonl.

Usage:
  python3 scripts/reuters_candidates.py [DATA_DIR] --list [N]     # the seeded selection, in order
  python3 scripts/reuters_candidates.py [DATA_DIR] --show ID ...  # articles with offsets

DATA_DIR defaults to ../shared/data. Output is data-set text for the annotator's eyes only:
it goes to the terminal or /tmp, never into a committed file.

Selection (recorded in gold/README.md): an article is eligible when its text is at most
4,000 code points and it holds 2 or 3 quotation-mark spans of at least four words (a
rough "real quote" test; scare quotes are shorter; the cap keeps the annotation
budget to about 2.5 quotes an article). Eligible articles are grouped by
publication year and shuffled per year with random.Random(f"claimlink-30-{year}"); the
selection interleaves the years round-robin (2006, 2007, ..., 2013, 2006, ...) and skips an
article whose topic word (second word of the URL slug, e.g. `markets` in
`us-markets-stocks-...`) already has three selected articles, so any prefix of the list
spreads over years and topics. Articles are annotated in list order.

The paragraph and quote-span rules here are shared with scripts/reuters_gold.py.
"""

import collections
import hashlib
import json
import os
import random
import re
import sys

FILE = "reuters-2006-2013/articles.jsonl"


def load(data):
    with open(os.path.join(data, FILE), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def sha256(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def split_of(doc_id):
    """Deterministic ~50/50 split by document id."""
    return "dev" if int(sha256(doc_id)[:8], 16) % 2 == 0 else "train"


def paragraphs(text):
    """(start, end) of each paragraph: text between blank-line separators, stripped."""
    out = []
    for m in re.finditer(r"[^\n]+(?:\n(?!\n)[^\n]*)*", text):
        s, e = m.start(), m.end()
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return out


def quote_spans(text):
    """Spans between paired straight double quotation marks, per paragraph, marks excluded.

    Marks pair left to right inside a paragraph; an unpaired last mark opens a quote that
    runs to the paragraph's end (a quote continued in the next paragraph, which reopens).
    Returns (start, end, paragraph_index, closed).
    """
    out = []
    for p, (ps, pe) in enumerate(paragraphs(text)):
        marks = [i for i in range(ps, pe) if text[i] == '"']
        for k in range(0, len(marks), 2):
            s = marks[k] + 1
            closed = k + 1 < len(marks)
            e = marks[k + 1] if closed else pe
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if s < e:
                out.append((s, e, p, closed))
    return out


def year(art):
    return int(art["id"].split("-")[1][:4])


def topic(art):
    slug = art["url"].rstrip("/").split("/")[-1]
    words = slug.split("-")
    return words[1] if len(words) > 2 else slug


def eligible(art):
    text = art["text"]
    if len(text) > 4000:
        return False
    real = [q for q in quote_spans(text) if len(text[q[0]:q[1]].split()) >= 4]
    return 2 <= len(real) <= 3


def selection(arts):
    by_year = collections.defaultdict(list)
    for a in arts:
        if eligible(a):
            by_year[year(a)].append(a)
    for y, lst in by_year.items():
        lst.sort(key=lambda a: a["id"])
        random.Random(f"claimlink-30-{y}").shuffle(lst)
    topics = collections.Counter()
    out = []
    years = sorted(by_year)
    while any(by_year[y] for y in years):
        for y in years:
            while by_year[y]:
                a = by_year[y].pop(0)
                if topics[topic(a)] < 3:
                    topics[topic(a)] += 1
                    out.append(a)
                    break
    return out


def show(art):
    text = art["text"]
    qs = quote_spans(text)
    print(f"=== {art['id']} | {art['title']} | {art['published']} | len {len(text)}")
    for p, (ps, pe) in enumerate(paragraphs(text)):
        pieces, last = [], ps
        for n, (s, e, qp, closed) in enumerate(qs):
            if qp != p:
                continue
            pieces.append(text[last:s])
            pieces.append(f"{{q{n}}}")
            last = s
        pieces.append(text[last:pe])
        print(f"P{p} [{ps}-{pe}] " + "".join(pieces))
    print()


def main(argv):
    data = "../shared/data"
    args = list(argv)
    if args and not args[0].startswith("--"):
        data = args.pop(0)
    arts = load(data)
    if args and args[0] == "--show":
        by_id = {a["id"]: a for a in arts}
        for i in args[1:]:
            show(by_id[i])
        return 0
    n = int(args[1]) if len(args) > 1 else None
    sel = selection(arts)
    for k, a in enumerate(sel[:n]):
        real = sum(len(a["text"][q[0]:q[1]].split()) >= 4 for q in quote_spans(a["text"]))
        print(f"{k}\t{a['id']}\t{year(a)}\t{topic(a)}\t{real}\t{split_of(a['id'])}\t{a['title'][:70]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
