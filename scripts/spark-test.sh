#!/usr/bin/env bash
# Tests claimlink.spark (python/tests/test_spark.py) in Spark's local[2] mode, in the venv
# scripts/python-test.sh builds (run that first; scripts/test.sh does):
#   Java      Debian's default-jre-headless, installed when no `java` is on PATH
#   pyspark   from PyPI into target/spark/site (once, then reused), put on the venv's path
#             with a .pth file
# Spark listens on 127.0.0.1 only and runs no web UI. Never skips: what is missing is
# installed, or the script fails saying what to install.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
venv="$root/target/python/venv"
site="$root/target/spark/site"
# 3.5 runs on Java 8 to 21 (Debian 12's default is 17, Debian 13's 21); 4.x needs 17+.
pyspark_version=3.5.9

"$venv/bin/python" -c 'import claimlink' 2>/dev/null || {
  echo "spark-test: no claimlink in $venv: run scripts/python-test.sh first" >&2
  exit 1
}

if ! command -v java >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "spark-test: installing Debian's default-jre-headless (no java on PATH)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends default-jre-headless >/dev/null
    command -v java >/dev/null || { echo "spark-test: java installed but not on PATH" >&2; exit 1; }
  else
    echo "spark-test: Java is not installed: install a Java runtime (8 to 21), e.g." \
      "apt-get install default-jre-headless" >&2
    exit 1
  fi
fi

# A marker names the version, so a changed pin reinstalls; .part keeps a torn install out.
if [ ! -f "$site/.pyspark-$pyspark_version" ]; then
  echo "spark-test: installing pyspark $pyspark_version into $site" >&2
  rm -rf "$site" "$site.part"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --target "$site.part" \
    "pyspark==$pyspark_version"
  touch "$site.part/.pyspark-$pyspark_version"
  mv "$site.part" "$site"
fi
purelib=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
echo "$site" > "$purelib/claimlink-pyspark.pth"

cargo build --release --quiet
echo "spark-test: pytest" >&2
cd "$venv"
SPARK_LOCAL_IP=127.0.0.1 PYSPARK_PYTHON="$venv/bin/python" \
  CLAIMLINK_TEST_PROJECT="$root" CLAIMLINK_TEST_BINARY="$root/target/release/claimlink" \
  "$venv/bin/python" -m pytest -q -p no:cacheprovider "$root/python/tests/test_spark.py"
