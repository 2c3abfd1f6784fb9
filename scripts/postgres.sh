#!/usr/bin/env bash
# A throw-away PostgreSQL server for the tests and benchmarks.
#   scripts/postgres.sh start DIR   installs Debian's postgresql if initdb/pg_ctl are missing,
#                                   creates a cluster in DIR/data (unprivileged user, password
#                                   auth, listening on 127.0.0.1 only, a free port) and prints
#                                   its URL (also written to DIR/url)
#   scripts/postgres.sh stop DIR    stops it (the caller removes DIR)
# $POSTGRES_SETTINGS adds server settings (e.g. "-c shared_buffers=2GB" for benchmarks).
set -euo pipefail
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { echo "$d"; return 0; }
  done
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
    dirname "$(command -v initdb)"; return 0
  fi
  return 1
}

# The server refuses to run as root: run it as the package's `postgres` user then.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
  if ! bin=$(bindir); then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      echo "postgres.sh: installing Debian's postgresql (initdb and pg_ctl are missing)" >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >&2
      apt-get install -y -qq --no-install-recommends postgresql >&2
      bin=$(bindir) || { echo "postgres.sh: postgresql installed but no initdb found" >&2; exit 1; }
    else
      echo "postgres.sh: PostgreSQL is not installed: install Debian's postgresql package" \
        "(apt-get install postgresql) or put initdb and pg_ctl on PATH" >&2
      exit 1
    fi
  fi
  mkdir -p "$dir"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  password=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
  printf '%s\n' "$password" > "$dir/pwfile"
  if [ "$(id -u)" = 0 ]; then chown -R postgres "$dir"; fi
  as_owner "$bin/initdb" -D "$dir/data" -U claimlink --pwfile="$dir/pwfile" \
    --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  rm -f "$dir/pwfile"
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${POSTGRES_SETTINGS:-}" \
    start >&2 || { cat "$dir/server.log" >&2; exit 1; }
  url="postgres://claimlink:$password@127.0.0.1:$port/postgres"
  printf '%s\n' "$url" > "$dir/url"
  echo "$url"
  ;;
stop)
  bin=$(bindir) || exit 0
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >&2 || true
  fi
  ;;
*)
  echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
