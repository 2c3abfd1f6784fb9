#!/usr/bin/env bash
# Speed on a quiet machine and with another process busy on one core: `claimlink run` over
# the first 60 PolNeAR articles (../shared/data/polnear, or $1) with --threads 1 and 2,
# each the median words/s of $ROUNDS runs (default 3), as the run's summary line reports.
# The busy process is a plain Python loop, started before and stopped after its runs.
# BIN=path/to/claimlink measures another build (for before/after comparisons).
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data/polnear}
bin=${BIN:-target/release/claimlink}
rounds=${ROUNDS:-3}
work=target/busy-threads
mkdir -p "$work"
[ -x "$bin" ] || cargo build --release --quiet
if [ ! -s "$work/p60.jsonl" ]; then
  [ -d "$data" ] || { echo "busy-threads: $data not found; pass the PolNeAR folder" >&2; exit 2; }
  python3 - "$data" "$work/p60.jsonl" <<'PY'
import json, pathlib, sys
root, out = pathlib.Path(sys.argv[1]), sys.argv[2]
with open(out, "w") as f:
    for path in sorted(root.glob("*/text/*.txt"))[:60]:
        f.write(json.dumps({"id": path.stem, "text": path.read_text(encoding="utf-8")}) + "\n")
PY
fi

# Median words/s of $rounds runs with --threads $1.
speed() {
  for _ in $(seq "$rounds"); do
    "$bin" run "$work/p60.jsonl" -o "$work/out.jsonl" --threads "$1" 2>&1 >/dev/null \
      | sed -n 's/.*(\([0-9]*\) words\/s).*/\1/p'
  done | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

quiet1=$(speed 1); quiet2=$(speed 2)
python3 -c 'while True: pass' &
busy=$!
trap 'kill $busy 2>/dev/null || true' EXIT
busy1=$(speed 1); busy2=$(speed 2)
kill "$busy"
echo "binary: $bin ($rounds rounds each, median words/s, 60 PolNeAR articles)"
printf '%-28s %10s %10s\n' "" "--threads 1" "--threads 2"
printf '%-28s %10s %10s\n' "quiet machine" "$quiet1" "$quiet2"
printf '%-28s %10s %10s\n' "one core busy (Python loop)" "$busy1" "$busy2"
