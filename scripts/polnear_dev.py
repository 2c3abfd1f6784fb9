#!/usr/bin/env python3
"""Assembles PolNeAR's dev article texts into one JSONL input for `claimlink run`.

    python3 scripts/polnear_dev.py [POLNEAR_DEV_FOLDER]   (default ../shared/data/polnear/dev)

Writes target/polnear-dev.jsonl (outside git): one {"id", "text"} line per
`text/*.txt` file, sorted by path. The README's speaker-names command reads it.
"""
import json
import pathlib
import sys


def main(folder):
    root = pathlib.Path(folder)
    paths = sorted(root.glob("text/*.txt"))
    if not paths:
        sys.exit(f"polnear_dev: no text/*.txt under {root}; pass the PolNeAR dev folder")
    out = pathlib.Path("target/polnear-dev.jsonl")
    out.parent.mkdir(exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        for path in paths:
            f.write(json.dumps({"id": path.stem, "text": path.read_text(encoding="utf-8")}) + "\n")
    print(f"polnear_dev: {len(paths)} articles -> {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/polnear/dev")
