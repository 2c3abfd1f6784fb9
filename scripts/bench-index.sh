#!/usr/bin/env bash
# Index and search benchmarks on real output: the first 200 PolNeAR articles (from
# ../shared/data/polnear, or $POLNEAR) annotated once with `run --with-text`, copied under
# new ids (claim ids recomputed by the documented recipe) to CLAIMS claims (default 1M),
# then indexed into SQLite and into a throw-away PostgreSQL (scripts/postgres.sh), and
# searched (benches/search.rs: a term with one facet filter, p50/p99).
#   scripts/bench-index.sh [WORKDIR]     (default /tmp/claimlink-bench-index; kept for reruns)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/claimlink-bench-index}
claims=${CLAIMS:-1000000}
polnear=${POLNEAR:-../shared/data/polnear}
bin=./target/release/claimlink
mkdir -p "$work"
cargo build --release --quiet
if [ ! -s "$work/polnear.out.jsonl" ]; then
  python3 scripts/bench-index.py polnear "$polnear" 200 "$work/polnear.jsonl"
  "$bin" run --with-text "$work/polnear.jsonl" -o "$work/polnear.out.jsonl"
fi
if [ ! -s "$work/big-$claims.jsonl" ]; then
  python3 scripts/bench-index.py replicate "$work/polnear.out.jsonl" "$claims" "$work/big-$claims.jsonl"
fi
input="$work/big-$claims.jsonl"
echo "input: $(wc -l < "$input") records, $(du -h "$input" | cut -f1)"

rm -f "$work/index.db" "$work/index.db-wal" "$work/index.db-shm"
"$bin" index --db "$work/index.db" "$input"
sqlite_claims=$(sqlite3 "$work/index.db" 'SELECT count(*) FROM claims')
size=$(stat -c %s "$work/index.db")
echo "sqlite: $sqlite_claims claims, $((size / 1024 / 1024)) MiB, $((size / sqlite_claims)) bytes per claim (articles with text included)"
CLAIMLINK_BENCH_DB="$work/index.db" cargo bench --quiet --bench search

pgdir=$(mktemp -d)
trap './scripts/postgres.sh stop "$pgdir" || true; rm -rf "$pgdir"' EXIT
# A server sized for the index: the default 128 MB of shared buffers holds a tenth of the
# claims table, and every search would copy its pages in from the OS cache.
url=$(POSTGRES_SETTINGS="-c shared_buffers=2GB" ./scripts/postgres.sh start "$pgdir")
"$bin" index --db "$url" "$input"
psql -qAt "$url" -c "SELECT (SELECT count(*) FROM claims) || ' claims, ' || pg_size_pretty(pg_database_size(current_database())) || ', ' || pg_database_size(current_database()) / (SELECT count(*) FROM claims) || ' bytes per claim (whole database, articles with text included)'" | sed 's/^/postgres: /'
psql -qAt "$url" -c "VACUUM ANALYZE"
CLAIMLINK_BENCH_DB="$url" cargo bench --quiet --bench search
