#!/usr/bin/env bash
# Whole-corpus throughput: assembles a larger corpus outside git from the PolNeAR article
# texts (../shared/data/polnear/*/text, or $1), runs `claimlink run` over it and over the
# bundled corpus, and prints articles/s, words/s and peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data/polnear}
work=target/throughput
mkdir -p "$work"
bin=target/release/claimlink
[ -x "$bin" ] || cargo build --release --quiet
if [ ! -s "$work/polnear.jsonl" ]; then
  [ -d "$data" ] || { echo "throughput: $data not found; pass the PolNeAR folder" >&2; exit 2; }
  python3 - "$data" "$work/polnear.jsonl" <<'PY'
import json, pathlib, sys
root, out = pathlib.Path(sys.argv[1]), sys.argv[2]
with open(out, "w") as f:
    for path in sorted(root.glob("*/text/*.txt")):
        f.write(json.dumps({"id": path.stem, "text": path.read_text(encoding="utf-8")}) + "\n")
PY
fi
for input in corpus "$work/polnear.jsonl"; do
  timer=(); [ -x /usr/bin/time ] && timer=(/usr/bin/time -f "peak RSS %M KiB, wall %e s")
  "${timer[@]}" "$bin" run "$input" -o "$work/out.jsonl" 2>&1 \
    | sed "s|^|$input: |"
done
