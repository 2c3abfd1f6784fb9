"""claimlink.spark in Spark's local[2] mode against the command line's single-machine run.

Run by scripts/spark-test.sh from the venv scripts/python-test.sh built, with pyspark
(PyPI) on its path and Java on PATH. CLAIMLINK_TEST_BINARY names the release `claimlink`
binary to compare with; CLAIMLINK_TEST_PROJECT the checkout (its corpus/).
"""

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pyspark import cloudpickle
from pyspark.sql import SparkSession
from pyspark.sql import types as T

import claimlink.spark

PROJECT = Path(os.environ["CLAIMLINK_TEST_PROJECT"])
BINARY = os.environ["CLAIMLINK_TEST_BINARY"]
CORPUS = PROJECT / "corpus"

# The fake pipelines below run in Spark's Python workers, which cannot import this file.
cloudpickle.register_pickle_by_value(sys.modules[__name__])

N_ARTICLES = 300
# Rows without a text: error records in their place, as the CLI writes them.
NO_TEXT = ("a0007", "a0150")

SCHEMA = T.StructType(
    [
        T.StructField("id", T.StringType()),
        T.StructField("text", T.StringType()),
        T.StructField("title", T.StringType()),
        T.StructField("source", T.StringType()),
        T.StructField("published", T.StringType()),
        T.StructField("views", T.LongType()),
    ]
)


def corpus_texts():
    """The texts of corpus/'s articles (JSONL lines and .txt/.md files)."""
    texts = []
    for path in sorted(CORPUS.iterdir()):
        if path.suffix == ".jsonl":
            lines = path.read_text(encoding="utf-8").splitlines()
            texts += [json.loads(line)["text"] for line in lines if line.strip()]
        elif path.suffix in (".txt", ".md"):
            texts.append(path.read_text(encoding="utf-8"))
    return texts


def articles():
    """N_ARTICLES distinct short articles made from the corpus (short, to keep CI quick):
    two paragraphs of one article from a moving start, then another's first paragraph or
    two; some with a title, source and date."""
    paragraphs = [text.split("\n\n") for text in corpus_texts()]
    made = []
    for n in range(N_ARTICLES):
        k = len(paragraphs)
        first, second = paragraphs[n % k], paragraphs[n // k % k]
        start = n // (k * k) % len(first)
        parts = (first[start:] + first[:start])[:2] + second[: 1 + n % 2]
        article = {"id": "a{:04d}".format(n), "text": "\n\n".join(parts)}
        if n % 4 == 0:
            article["title"] = "Briefing number {}".format(n)
        if n % 5 == 0:
            article["source"] = "Wire {}".format(n % 3)
            article["published"] = "2026-11-{:02d}".format(1 + n % 28)
        if article["id"] in NO_TEXT:
            del article["text"]
        made.append(article)
    return made


def rows(articles):
    """The articles as DataFrame rows (SCHEMA), in a shuffled order."""
    made = [
        (a["id"], a.get("text"), a.get("title"), a.get("source"), a.get("published"), n)
        for n, a in enumerate(articles)
    ]
    random.Random(17).shuffle(made)
    return made


@pytest.fixture(scope="module")
def spark():
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("claimlink-test")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def cli_lines(tmp_path_factory):
    """`claimlink run` over the articles as one JSONL file, in id order: its lines."""
    path = tmp_path_factory.mktemp("spark") / "articles.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for article in articles():
            out.write(json.dumps(article, ensure_ascii=False) + "\n")
    done = subprocess.run(
        [BINARY, "run", str(path), "--quiet"], cwd=PROJECT, capture_output=True, text=True
    )
    # Exit 1: some lines were error records (the rows without a text).
    assert done.returncode == 1, done.stderr
    return done.stdout.splitlines()


def test_records_are_the_single_machine_runs_in_order_by_id(spark, cli_lines):
    made = articles()
    assert len(cli_lines) == len(made) == N_ARTICLES
    df = spark.createDataFrame(spark.sparkContext.parallelize(rows(made), 6), SCHEMA)
    out = claimlink.spark.annotate(df, batch=16).cache()
    assert out.columns == ["id", *claimlink.spark.OUTPUT_COLUMNS]
    assert out.rdd.getNumPartitions() == 6

    # Partitions and the order within them are the input's.
    assert [r.id for r in out.select("id").collect()] == [
        r.id for r in df.select("id").collect()
    ]
    records = out.orderBy("id").collect()
    assert [r.id for r in records] == [a["id"] for a in made]
    errors = 0
    for row, line in zip(records, cli_lines):
        expected = json.loads(line)
        if "error" in expected:
            # The same error; only file and line differ (a partition, not a file).
            errors += 1
            got = json.loads(row.record)
            assert row.id in NO_TEXT
            assert got["id"] == expected["id"] == row.id
            assert got["error"]["kind"] == expected["error"]["kind"] == row.error
            assert got["error"]["message"] == expected["error"]["message"]
            assert (row.n_entities, row.n_claims, row.n_companies) == (None,) * 3
            continue
        assert row.record == line, row.id
        assert row.error is None
        assert row.n_entities == len(expected["entities"])
        assert row.n_claims == len(expected["claims"])
        assert row.n_companies == len(expected["companies"])
    assert errors == len(NO_TEXT)
    # The metadata columns reached the records; the test data has claims to compare.
    assert sum(1 for r in records if '"title":"Briefing number' in r.record) == 75
    assert sum(r.n_claims or 0 for r in records) > N_ARTICLES
    out.unpersist()


def test_integer_ids_and_other_column_names(spark, cli_lines):
    # Articles with a text and no metadata, as this DataFrame has none.
    made = [a for a in articles()[:20] if a.keys() == {"id", "text"}]
    assert len(made) >= 10
    df = spark.createDataFrame(
        [(n, a["text"]) for n, a in enumerate(made)], "n long, body string"
    ).repartition(3)
    out = claimlink.spark.annotate(df, text_col="body", id_col="n").orderBy("n").collect()
    assert [r.n for r in out] == list(range(len(made)))
    assert dict(out[0].asDict()).keys() == {"n", *claimlink.spark.OUTPUT_COLUMNS}
    by_id = {json.loads(line)["id"]: json.loads(line) for line in cli_lines}
    for row, article in zip(out, made):
        record = json.loads(row.record)
        assert record["id"] == str(row.n)
        # Same text, so the same entities and claims as the CLI's (claim ids hash the id).
        assert record["entities"] == by_id[article["id"]]["entities"]
        assert len(record["claims"]) == len(by_id[article["id"]]["claims"])


def _probe(index, rows):
    """A partition task's worker process, and the seconds it took to get a Pipeline."""
    started = time.monotonic()
    claimlink.spark._cached_pipeline(None, None, 1)
    yield (index, os.getpid(), time.monotonic() - started)


def test_models_load_once_per_worker_process(spark):
    tasks = spark.sparkContext.parallelize(range(8), 8).mapPartitionsWithIndex(_probe)
    seen = tasks.collect()
    assert [index for index, _, _ in seen] == list(range(8))
    workers = {pid for _, pid, _ in seen}
    # local[2]: two Python workers at a time, reused from task to task.
    assert len(workers) < 8
    for pid in workers:
        # Loading reads 140 MB of weights (over a second); a cached Pipeline is a lookup.
        loads = [s for _, p, s in seen if p == pid and s > 0.1]
        assert len(loads) <= 1, (pid, seen)


class ShortPipeline:
    """Drops the last record of every batch of more than one article."""

    def annotate_lines(self, articles):
        lines = [_fake_line(a) for a in articles]
        return lines[:-1] if len(lines) > 1 else lines


class ShuffledPipeline:
    """Gives every record, the first two swapped."""

    def annotate_lines(self, articles):
        lines = [_fake_line(a) for a in articles]
        if len(lines) > 1:
            lines[0], lines[1] = lines[1], lines[0]
        return lines


def _fake_line(article):
    return json.dumps(
        {"id": article["id"], "schema": "claimlink/1", "entities": [], "claims": []}
    )


@pytest.mark.parametrize(
    "pipeline, message",
    [
        (ShortPipeline, r"partition \d+: 7 records for 8 articles in rows 1-8"),
        (ShuffledPipeline, r"partition \d+: row 1 has id 'b\d+' but its record has id"),
    ],
)
def test_a_partition_whose_records_do_not_match_its_rows_fails_the_job(
    spark, pipeline, message
):
    df = spark.createDataFrame(
        [("b{}".format(n), "Shares rose.") for n in range(40)], "id string, text string"
    ).repartition(2)
    out = claimlink.spark.annotate(
        df, batch=8, _pipeline_factory=lambda models, base, threads: pipeline()
    )
    with pytest.raises(Exception, match=message) as raised:
        out.collect()
    assert "PartitionError" in str(raised.value)


def test_bad_arguments_are_refused_before_any_job(spark):
    df = spark.createDataFrame([("x", "Hello.")], "id string, text string")
    with pytest.raises(ValueError, match="text_col='body' is not a column"):
        claimlink.spark.annotate(df, text_col="body")
    with pytest.raises(ValueError, match="id_col='key' is not a column"):
        claimlink.spark.annotate(df, id_col="key")
    with pytest.raises(ValueError, match="metadata column 'title'"):
        claimlink.spark.annotate(df, metadata=["title"])
    with pytest.raises(ValueError, match="batch"):
        claimlink.spark.annotate(df, batch=0)


def test_importing_claimlink_needs_no_pyspark():
    # pyspark made unimportable: both modules still import, and neither loads it.
    code = (
        "import sys; sys.modules['pyspark'] = None; "
        "import claimlink, claimlink.spark; "
        "assert [m for m in sys.modules if m.startswith('pyspark.')] == []; "
        "claimlink.spark.annotate(None)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    # Only a call needs pyspark, and its error says how to install it.
    assert done.returncode == 1
    assert "ImportError: claimlink.spark needs pyspark: pip install" in done.stderr, done.stderr
