"""List CoNLL-2003 documents that look like business news and hold quotation marks.

Usage: python3 scripts/business_candidates.py [DATA_DIR] [--show D ...]

Prints one line per candidate (doc index, quote-mark count, business-word score, headline);
with --show, prints those documents with each token's code point offset so quotes can be
annotated by hand. Output is for the annotator's eyes only: never commit it.
"""

import re
import sys

import conll_docs

BUSINESS = re.compile(
    r"\b(shares?|stocks?|profits?|earnings|revenues?|sales|dividend|analysts?|investors?|"
    r"company|Inc|Corp|Ltd|Plc|PLC|AG|SA|NV|bank|bonds?|merger|acquisition|takeover|bid|"
    r"quarter|percent|pct|million|billion|chief executive|chairman|spokesman|market|prices?)\b"
)
SPORT = re.compile(r"^(SOCCER|TENNIS|CRICKET|GOLF|BASEBALL|CYCLING|ATHLETICS|RUGBY|MOTOR|"
                   r"BOXING|BASKETBALL|HORSE|NFL|NHL|NBA|SWIMMING|SKIING|SQUASH|BADMINTON|"
                   r"ROWING|SAILING|OLYMPICS|AUSTRALIAN RULES|FORMULA|ALPINE|CHESS)")


def main(argv):
    data = "../shared/data"
    show = []
    args = list(argv)
    if args and not args[0].startswith("--"):
        data = args.pop(0)
    if args and args[0] == "--show":
        show = [int(a) for a in args[1:]]
    docs = conll_docs.read_docs(f"{data}/conll2003/train.txt")
    if show:
        for d in show:
            text, offsets = conll_docs.doc_text(docs[d])
            print(f"=== doc {d} sha256 {conll_docs.sha256(text)}")
            for s, (sent, offs) in enumerate(zip(docs[d], offsets)):
                print(f"[{s}] " + " ".join(f"{w}@{a}" for w, (a, _) in zip(sent, offs)))
        return
    for d, doc in enumerate(docs):
        text, _ = conll_docs.doc_text(doc)
        marks = sum(w == '"' for sent in doc for w in sent)
        if marks < 2:
            continue
        head = " ".join(doc[0])
        if SPORT.match(head):
            continue
        score = len(BUSINESS.findall(text)) * 1000 // max(1, len(text.split()))
        print(f"{d}\t{marks}\t{score}\t{head[:90]}")


if __name__ == "__main__":
    main(sys.argv[1:])
