#!/usr/bin/env python3
"""Turn hand-written annotation notes into gold/business-quotes-reuters-2006-2013.jsonl.

Usage: python3 scripts/reuters_gold.py NOTES [NOTES ...] [--data DIR] [--out FILE]

The notes name spans by their surface strings (never by typed offsets); this script finds
them in the article text, writes exact code point offsets and checks that each slice equals
the intended string. The notes hold article text, so they live outside the repository
(e.g. /tmp); only the offsets, names and hashes reach the output. Format, one line each:

  # <article id>
  q<n> | sp=<speaker> | ti=<title> | af=<Name>[~<mention>|~-] | tg=<Name>/<c|i>[~<mention>]
       | cue=<verb> | sh=<shape>
  q<n> | sh=cont [| tg=...]            (continued: speaker, title, affiliation of the claim before)
  o <paragraph> | <Name>/<c|i>[~<mention>] | <+|0|->
  o <paragraph> none                   (a quoted paragraph with no named organisation)

q<n> is the n-th quotation-mark span of scripts/reuters_candidates.py (shown as {q<n>}).
A surface may end in `<` (nearest occurrence before the quote), `>` (nearest after) or
`@k` (k-th occurrence in the text). Defaults: speaker and cue: an occurrence outside quotes
starting within 40 code points after the quote (the usual `"...," X said`), else the one
nearest the quote; affiliation mention: the occurrence outside quotes nearest the quote; title: the one nearest the speaker span;
target mention: inside the quote when it occurs there, else nearest outside quotes (`~-`: none,
when the organisation is named only inside another quote);
organisation mention: first in its paragraph outside quotes, else first inside.
Prints no data-set text except, on a failure, the note line that failed.
"""

import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reuters_candidates as rc  # noqa: E402

SHAPES = {"app": "apposition", "pre": "premodifier", "pos": "possessive", "desc": "descriptor",
          "earl": "earlier-mention", "org": "organisation", "doc": "document",
          "cont": "continued"}
SENT = {"+": "positive", "0": "neutral", "-": "negative"}
KIND = {"c": "company", "i": "institution"}


class NoteError(Exception):
    pass


def occurrences(text, surface):
    pat = r"(?<!\w)" + re.escape(surface) + r"(?!\w)"
    return [(m.start(), m.end()) for m in re.finditer(pat, text)]


def dist(a, ref):
    if a[1] <= ref[0]:
        return ref[0] - a[1]
    if a[0] >= ref[1]:
        return a[0] - ref[1]
    return 0


def inside(a, spans):
    return any(a[0] < e and s < a[1] for s, e in spans)


def parse_surface(raw):
    raw = raw.strip()
    if raw.endswith("<") or raw.endswith(">"):
        return raw[:-1].strip(), raw[-1], None
    m = re.match(r"^(.*)@(\d+)$", raw)
    if m:
        return m.group(1).strip(), "@", int(m.group(2))
    return raw, None, None


def resolve(text, raw, ref, quotes, allow_inside=False, within=None, prefer_after=False):
    surface, mode, k = parse_surface(raw)
    occ = occurrences(text, surface)
    if mode == "@":
        if not 1 <= k <= len(occ):
            raise NoteError(f"{surface!r} has {len(occ)} occurrences, not {k}")
        span = occ[k - 1]
    else:
        cands = [o for o in occ if allow_inside or not inside(o, quotes)]
        if within is not None:
            cands = [o for o in cands if within[0] <= o[0] and o[1] <= within[1]]
        if mode == "<":
            cands = [o for o in cands if o[1] <= ref[0]]
        elif mode == ">":
            cands = [o for o in cands if o[0] >= ref[1]]
        if not cands:
            raise NoteError(f"{surface!r} not found ({mode or 'nearest'})")
        after = [o for o in cands if prefer_after and mode is None and 0 <= o[0] - ref[1] <= 40]
        cands = after or cands
        span = min(cands, key=lambda o: (dist(o, ref), o[0]))
    assert text[span[0]:span[1]] == surface
    return {"start": span[0], "end": span[1]}


def name_kind(v):
    name, _, mention = v.partition("~")
    kind = None
    if "/" in name:
        name, _, k = name.rpartition("/")
        kind = KIND[k.strip()]
    name = name.strip()
    mention = mention.strip() if mention else name
    return name, kind, mention


def build(doc_id, lines, art):
    text = art["text"]
    qspans = rc.quote_spans(text)
    paras = rc.paragraphs(text)
    all_quotes = [(s, e) for s, e, _, _ in qspans]
    claims, orgs, covered, quoted_paras = [], [], set(), set()
    prev = None
    for line in lines:
        fields = [f.strip() for f in line.split("|")]
        if fields[0].startswith("q"):
            n = int(fields[0][1:])
            qs, qe, qp, _ = qspans[n]
            q = {"start": qs, "end": qe}
            quoted_paras.add(qp)
            kv = dict(f.split("=", 1) for f in fields[1:] if f)
            kv = {k.strip(): v.strip() for k, v in kv.items()}
            shape = SHAPES[kv["sh"]]
            claim = {"quote": q}
            ref = (qs, qe)
            if shape == "continued":
                if prev is None:
                    raise NoteError("continued quote with no claim before it")
                for f in ("speaker", "title", "affiliation"):
                    claim[f] = prev[f]
                claim["cue"] = None
            else:
                claim["speaker"] = resolve(text, kv["sp"], ref, all_quotes, prefer_after=True)
                sp = (claim["speaker"]["start"], claim["speaker"]["end"])
                claim["title"] = resolve(text, kv["ti"], sp, all_quotes) if kv.get("ti") else None
                if kv.get("af"):
                    name, _, mention = name_kind(kv["af"])
                    m = None if mention == "-" else resolve(text, mention, ref, all_quotes)
                    claim["affiliation"] = {"name": name, "mention": m}
                else:
                    claim["affiliation"] = None
                claim["cue"] = resolve(text, kv["cue"], ref, all_quotes, prefer_after=True) if kv.get("cue") else None
            if kv.get("tg"):
                name, kind, mention = name_kind(kv["tg"])
                if kind is None:
                    raise NoteError("target without /c or /i")
                surface, mode, _ = parse_surface(mention)
                in_q = [o for o in occurrences(text, surface) if qs <= o[0] and o[1] <= qe]
                if mention == "-":
                    m = None
                elif in_q and mode is None:
                    m = {"start": in_q[0][0], "end": in_q[0][1]}
                else:
                    m = resolve(text, mention, ref, all_quotes)
                claim["target"] = {"name": name, "kind": kind, "mention": m}
            else:
                claim["target"] = None
            claim["shape"] = shape
            claims.append(claim)
            prev = claim
        elif fields[0].startswith("o "):
            p = int(fields[0][2:].split()[0])
            covered.add(p)
            if fields[0].endswith("none"):
                continue
            name, kind, mention = name_kind(fields[1])
            if kind is None:
                raise NoteError("organisation without /c or /i")
            ps, pe = paras[p]
            try:
                m = resolve(text, mention, (ps, ps), all_quotes, within=(ps, pe))
            except NoteError:
                m = resolve(text, mention, (ps, ps), all_quotes, allow_inside=True, within=(ps, pe))
            orgs.append({"paragraph": {"start": ps, "end": pe}, "name": name,
                         "mention": m, "kind": kind, "sentiment": SENT[fields[2]]})
        else:
            raise NoteError("unknown note line")
    missing = quoted_paras - covered
    if missing:
        raise NoteError(f"quoted paragraph(s) {sorted(missing)} have no organisation line")
    claims.sort(key=lambda c: c["quote"]["start"])
    orgs.sort(key=lambda o: (o["paragraph"]["start"], o["mention"]["start"]))
    return {"id": doc_id, "file": rc.FILE, "text_sha256": rc.sha256(text),
            "split": rc.split_of(doc_id), "claims": claims, "organisations": orgs}


def main(argv):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    data = os.path.join(root, "..", "shared", "data")
    out = os.path.join(root, "gold", "business-quotes-reuters-2006-2013.jsonl")
    notes = []
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--data":
            data = args.pop(0)
        elif a == "--out":
            out = args.pop(0)
        else:
            notes.append(a)
    arts = {a["id"]: a for a in rc.load(data)}
    docs, cur, skipped = [], None, []
    for path in notes:
        with open(path, encoding="utf-8") as f:
            for raw in f:
                line = raw.split("//")[0].strip()
                if not line:
                    continue
                if line.startswith("#"):
                    cur = [line[1:].strip(), []]
                    docs.append(cur)
                else:
                    cur[1].append(line)
    recs, failed, seen = [], 0, set()
    for doc_id, lines in docs:
        if doc_id in seen:
            print(f"{doc_id}: listed twice", file=sys.stderr)
            failed += 1
            continue
        seen.add(doc_id)
        if lines and lines[0].startswith("skip"):
            skipped.append(doc_id)
            continue
        for line in lines:
            pass
        try:
            recs.append(build(doc_id, lines, arts[doc_id]))
        except (NoteError, KeyError, ValueError, IndexError) as e:
            failed += 1
            print(f"{doc_id}: {type(e).__name__}: {e}", file=sys.stderr)
    with open(out, "w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(recs)} documents, {sum(len(r['claims']) for r in recs)} quotes, "
          f"{len(skipped)} skipped, {failed} failed -> {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
