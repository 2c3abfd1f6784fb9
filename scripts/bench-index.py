#!/usr/bin/env python3
"""Helpers of scripts/bench-index.sh.

  bench-index.py polnear DATA_DIR N OUT.jsonl
      the first N PolNeAR articles (dev, then train) as claimlink input JSONL, with
      title, published and source (publisher) from metadata.tsv
  bench-index.py replicate IN.jsonl CLAIMS OUT.jsonl
      copies of the records of IN (claimlink run --with-text output) under new ids
      (ID~K) until OUT holds at least CLAIMS claims; each copy's claim ids are recomputed
      with the documented recipe, so OUT is what claimlink would write for those articles
"""
import csv
import hashlib
import json
import os
import sys


def claim_id(article_id, text, start, end, text_hash=None):
    text_hash = text_hash or hashlib.sha256(text.encode()).hexdigest()
    key = f"{len(article_id.encode())}:{article_id}:{text_hash}:{start}:{end}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def polnear(data, n, out):
    meta = {}
    with open(os.path.join(data, "metadata.tsv"), newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            meta[row["filename"]] = row
    written = 0
    with open(out, "w") as w:
        for split in ("dev", "train"):
            folder = os.path.join(data, split, "text")
            for name in sorted(os.listdir(folder)):
                if written >= n:
                    return
                stem = name.rsplit(".", 1)[0]
                m = meta.get(stem, {})
                with open(os.path.join(folder, name), encoding="utf-8") as f:
                    text = f.read()
                w.write(json.dumps({"id": stem, "text": text, "title": m.get("title"),
                                    "published": m.get("publication_date"),
                                    "source": m.get("publisher")}) + "\n")
                written += 1


def replicate(src, claims, out):
    records = [json.loads(l) for l in open(src) if '"error"' not in l[:200]]
    records = [r for r in records if "error" not in r]
    assert all("text" in r for r in records), "IN must come from claimlink run --with-text"
    total, k = 0, 0
    with open(out, "w") as w:
        while total < claims:
            k += 1
            for r in records:
                r2 = dict(r)
                r2["id"] = f"{r['id']}~{k}"
                h = hashlib.sha256(r["text"].encode()).hexdigest()
                seen = set()
                new_claims = []
                for c in r["claims"]:
                    c2 = dict(c)
                    base = claim_id(r2["id"], None, c["quote"]["start"], c["quote"]["end"], h)
                    cid, n = base, 1
                    while cid in seen:
                        n += 1
                        cid = f"{base}-{n}"
                    seen.add(cid)
                    c2["id"] = cid
                    new_claims.append(c2)
                r2["claims"] = new_claims
                w.write(json.dumps(r2, ensure_ascii=False) + "\n")
                total += len(new_claims)
    print(f"{total} claims in {k} copies of {len(records)} records", file=sys.stderr)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "polnear":
        polnear(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif cmd == "replicate":
        replicate(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        sys.exit(__doc__)
