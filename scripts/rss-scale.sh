#!/usr/bin/env bash
# Memory is bounded by the batch window, not by the corpus: runs `claimlink bench` over
# 2,000 and over 200,000 short articles (PolNeAR paragraphs cut to their first 12 words,
# cycled; built outside git under target/throughput) and prints both peak RSS figures.
# Short articles keep the 200,000-article run to minutes; every stage still runs on each.
# Usage: scripts/rss-scale.sh [POLNEAR_DIR [claimlink bench options, e.g. --threads 1]]
# SIZES="2000 20000" scripts/rss-scale.sh runs other corpus sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data/polnear}
shift || true
work=target/throughput
mkdir -p "$work"
bin=target/release/claimlink
[ -x "$bin" ] || cargo build --release --quiet
[ -d "$data" ] || { echo "rss-scale: $data not found; pass the PolNeAR folder" >&2; exit 2; }
for n in ${SIZES:-2000 200000}; do
  if [ ! -s "$work/scale-$n.jsonl" ]; then
    python3 - "$data" "$work/scale-$n.jsonl" "$n" <<'PY'
import itertools, json, pathlib, sys
root, out, n = pathlib.Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
paragraphs = [p.strip() for path in sorted(root.glob("*/text/*.txt"))
              for p in path.read_text(encoding="utf-8").split("\n") if len(p.split()) >= 6]
with open(out, "w") as f:
    for i, p in zip(range(n), itertools.cycle(paragraphs)):
        f.write(json.dumps({"id": f"a{i}", "text": " ".join(p.split()[:12])}) + "\n")
PY
  fi
  "$bin" bench "$work/scale-$n.jsonl" -o "$work/scale-out.jsonl" --matmul-seconds 1 "$@" \
    | grep -E "^claimlink bench|^peak RSS|^words/s|^articles/s"
done
