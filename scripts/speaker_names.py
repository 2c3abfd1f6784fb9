#!/usr/bin/env python3
"""Speaker names in claimlink/1 output (issue 32): the share of named speakers that are
fragments (only function words, punctuation or numbers: "The", "who", "It"), and of the
speakers named by a bare surname where the article names that person in full (a person
entity of two or more words ending in that surname).

    python3 scripts/speaker_names.py OUTPUT.jsonl
"""
import collections
import json
import sys

FUNCTION_WORDS = set("""the a an his her its their our my your one some another each every many
several both two three four other those these he she it they we i you him them us me who
whom whose which that this what few all any most none such there here""".split())


def is_fragment(name):
    words = [w.strip('"\'“”’.,;:()') for w in name.lower().split()]
    return all(not w or w in FUNCTION_WORDS or w.isdigit() for w in words)


def main(path):
    named = fragments = with_full = surname_only = 0
    frag = collections.Counter()
    for line in open(path, encoding="utf-8"):
        record = json.loads(line)
        if "error" in record:
            continue
        fulls = [e["text"] for e in record["entities"] if e["label"] == "PER" and len(e["text"].split()) > 1]
        for claim in record["claims"]:
            speaker = claim["speaker"]
            if not speaker:
                continue
            name = speaker["name"]
            named += 1
            if is_fragment(name):
                fragments += 1
                frag[name] += 1
            words = name.split()
            if len(words) == 1 and any(f.split()[-1] == name for f in fulls):
                with_full += 1
                surname_only += 1
            elif name in fulls:
                with_full += 1
    print(f"named speakers {named}")
    print(f"fragments {fragments} ({fragments / max(named, 1):.2%}): {frag.most_common(10)}")
    print(f"speakers the article names in full {with_full}; by surname only {surname_only} "
          f"({surname_only / max(with_full, 1):.2%}); by full name {1 - surname_only / max(with_full, 1):.2%}")


if __name__ == "__main__":
    main(sys.argv[1])
