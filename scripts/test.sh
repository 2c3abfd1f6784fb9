#!/usr/bin/env bash
# The test suite, from a fresh clone: installs what is missing (scripts/setup.sh, idempotent),
# then checks formatting and lints, and runs every unit, end-to-end and property test
# against the committed models.
set -euo pipefail
cd "$(dirname "$0")/.."
CLAIMLINK_SKIP_BUILD=1 ./scripts/setup.sh
cargo fmt --all -- --check
cargo clippy --release --all-targets --quiet -- -D warnings
cargo test --release --no-fail-fast
