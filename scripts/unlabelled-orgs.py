#!/usr/bin/env python3
"""Organisation mentions in unlabelled business paragraphs, for the sentiment teacher's soft
labels (issue 31): offsets only, in the business gold's format without sentiments, so the
soft labels name their windows without copying any text.

    claimlink run ARTICLES -o RUN.jsonl
    python3 scripts/unlabelled-orgs.py ARTICLES RUN.jsonl --exclude gold/*.jsonl \
        [--articles-max N] [--names-max K] > ORGS.jsonl

Reads the articles (id, text) and claimlink's records for them; writes one line per article
with ORG entities: {"id", "file", "text_sha256", "claims": [], "organisations": [{"paragraph",
"name", "mention"}]}, the paragraph being the entity's block between blank lines. Articles of the --exclude gold
files are left out, so no dev text reaches the student through the teacher.
"""
import argparse
import hashlib
import json
import sys


def paragraph(text, start, end):
    lo = text.rfind("\n\n", 0, start)
    lo = 0 if lo < 0 else lo + 2
    hi = text.find("\n\n", end)
    hi = len(text) if hi < 0 else hi
    return lo, hi


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("articles")
    ap.add_argument("records")
    ap.add_argument("--file", default="reuters-2006-2013/articles.jsonl",
                    help="the articles' path inside the data folder, as recorded")
    ap.add_argument("--exclude", nargs="*", default=[], help="gold files whose articles to skip")
    ap.add_argument("--articles-max", type=int, default=0,
                    help="stop after this many articles with organisations (0: all)")
    ap.add_argument("--names-max", type=int, default=0,
                    help="per article, the first mention of at most this many distinct names "
                         "(0: every mention)")
    args = ap.parse_args()
    excluded = set()
    for gold in args.exclude:
        with open(gold, encoding="utf-8") as f:
            excluded.update(json.loads(line).get("id") for line in f if line.strip())
    texts = {}
    with open(args.articles, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                article = json.loads(line)
                texts[article["id"]] = article["text"]
    written = skipped = articles = 0
    with open(args.records, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            text = texts.get(record["id"])
            if text is None or record["id"] in excluded:
                skipped += 1
                continue
            if args.articles_max and articles >= args.articles_max:
                break
            organisations = []
            names = set()
            for entity in record.get("entities") or []:
                start, end = entity["start"], entity["end"]
                if entity["label"] != "ORG" or text[start:end] != entity["text"]:
                    continue
                if args.names_max and (entity["text"] in names or len(names) >= args.names_max):
                    continue
                names.add(entity["text"])
                lo, hi = paragraph(text, start, end)
                organisations.append({
                    "paragraph": {"start": lo, "end": hi}, "name": entity["text"],
                    "mention": {"start": start, "end": end},
                })
            if organisations:
                print(json.dumps({
                    "id": record["id"], "file": args.file,
                    "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                    "claims": [], "organisations": organisations,
                }))
                written += len(organisations)
                articles += 1
    print(f"unlabelled-orgs: {written} organisation mentions in {articles} articles; {skipped} skipped "
          "(excluded or without text)", file=sys.stderr)


if __name__ == "__main__":
    main()
