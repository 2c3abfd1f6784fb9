"""Rebuild CoNLL-2003 document texts exactly as claimlink's `eval::ner::document_text` does.

Documents split at `-DOCSTART-` lines (empty documents dropped, as `eval::conll::parse_conll`
does); each sentence's tokens joined with single spaces and followed by `\n`. Offsets are code
point offsets (Python str indices).
"""

import hashlib


def read_docs(path):
    """List of documents; each a list of sentences; each a list of tokens."""
    docs, doc, sent = [], [], []
    with open(path, encoding="utf-8") as f:
        for line in f.read().splitlines():
            line = line.rstrip()
            if not line:
                if sent:
                    doc.append(sent)
                    sent = []
                continue
            fields = line.split()
            if fields[0] == "-DOCSTART-":
                if sent:
                    doc.append(sent)
                    sent = []
                if doc:
                    docs.append(doc)
                    doc = []
                continue
            if len(fields) < 2:
                raise ValueError(f"{path}: expected `token ... TAG`: {line!r}")
            sent.append(fields[0])
    if sent:
        doc.append(sent)
    if doc:
        docs.append(doc)
    return docs


def doc_text(doc):
    """The text and, per sentence, the (start, end) of each token."""
    text, offsets = [], []
    pos = 0
    for sent in doc:
        toks = []
        for i, w in enumerate(sent):
            if i:
                text.append(" ")
                pos += 1
            toks.append((pos, pos + len(w)))
            text.append(w)
            pos += len(w)
        text.append("\n")
        pos += 1
        offsets.append(toks)
    return "".join(text), offsets


def sha256(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
