#!/usr/bin/env bash
# The test suite, from a fresh clone: installs what is missing (scripts/setup.sh, idempotent),
# then checks formatting and lints, and runs every unit, end-to-end and property test
# against the committed models.
set -euo pipefail
cd "$(dirname "$0")/.."
CLAIMLINK_SKIP_BUILD=1 ./scripts/setup.sh
cargo fmt --all -- --check
cargo clippy --release --all-targets --quiet -- -D warnings
log=$(mktemp)
# The PostgreSQL backend's tests run against a throw-away server (installed from Debian's
# packages when missing), stopped and removed however the run ends.
pgdir=$(mktemp -d)
trap './scripts/postgres.sh stop "$pgdir" || true; rm -rf "$log" "$pgdir"' EXIT
CLAIMLINK_TEST_POSTGRES=$(./scripts/postgres.sh start "$pgdir")
export CLAIMLINK_TEST_POSTGRES
# The report's browser tests run Debian's chromium headless (installed when missing).
CLAIMLINK_TEST_CHROMIUM=$(./scripts/chromium.sh)
export CLAIMLINK_TEST_CHROMIUM
status=0
cargo test --release --no-fail-fast 2>&1 | tee "$log" || status=$?
# One closing line over every test binary: "N passed, N failed".
awk '/^test result:/ { p += $4; f += $6 } END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
# The Python wheel: built with maturin, installed into a fresh venv, tested with pytest.
# Then claimlink.spark in Spark's local[2] mode, in that venv (Java and pyspark installed
# when missing).
if ./scripts/python-test.sh; then
  ./scripts/spark-test.sh || { echo "spark-test: FAILED" >&2; status=1; }
else
  echo "python-test: FAILED (spark-test not run: it needs the wheel's venv)" >&2
  status=1
fi
exit "$status"
