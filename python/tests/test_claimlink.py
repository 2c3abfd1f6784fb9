"""The installed wheel against the command line: same records, same error messages.

Run by scripts/python-test.sh from a fresh venv holding only the wheel and its runtime
pieces. CLAIMLINK_TEST_BINARY names the release `claimlink` binary to compare with;
CLAIMLINK_TEST_PROJECT the checkout (its corpus/ and models/).
"""

import json
import os
import subprocess
import threading
import time
from pathlib import Path

import pytest

import claimlink

PROJECT = Path(os.environ["CLAIMLINK_TEST_PROJECT"])
BINARY = os.environ["CLAIMLINK_TEST_BINARY"]
CORPUS = PROJECT / "corpus"


def cli(args, stdin=None):
    """Runs the CLI in the checkout; its output lines, parsed."""
    done = subprocess.run(
        [BINARY, *args, "--quiet"],
        cwd=PROJECT,
        input=stdin,
        capture_output=True,
        text=True,
    )
    assert done.returncode in (0, 1), done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def corpus_articles():
    """The corpus/ articles as `claimlink run corpus` reads them: files in name order,
    JSONL line by line, a text file as one article named by its stem."""
    articles = []
    for path in sorted(CORPUS.iterdir()):
        if path.suffix == ".jsonl":
            lines = path.read_text(encoding="utf-8").splitlines()
            articles += [json.loads(line) for line in lines if line.strip()]
        elif path.suffix in (".txt", ".md"):
            articles.append({"id": path.stem, "text": path.read_text(encoding="utf-8")})
    return articles


@pytest.fixture(scope="module")
def pipeline():
    return claimlink.Pipeline()


@pytest.fixture(scope="module")
def cli_records():
    return cli(["run", "corpus"])


def test_annotate_gives_the_cli_records(pipeline, cli_records):
    articles = corpus_articles()
    assert len(articles) == len(cli_records) >= 5
    records = pipeline.annotate(articles)
    assert len(records) == len(cli_records)
    for record, expected in zip(records, cli_records):
        assert "error" not in expected, expected
        assert record == expected, record["id"]
    assert any(record["claims"] for record in records)


def test_annotate_lines_gives_the_cli_lines_byte_for_byte(pipeline):
    done = subprocess.run(
        [BINARY, "run", "corpus", "--quiet"], cwd=PROJECT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    lines = pipeline.annotate_lines(corpus_articles())
    assert lines == done.stdout.splitlines()
    assert all(isinstance(line, str) and "\n" not in line for line in lines)


def test_streaming_gives_the_same_records_lazily(pipeline, cli_records):
    articles = corpus_articles()
    pulled = []

    def source():
        for article in articles:
            pulled.append(article["id"])
            yield article

    stream = pipeline.annotate_iter(source(), batch=2)
    first = next(stream)
    assert len(pulled) == 2, "one batch is read before the first record"
    records = [first, *stream]
    assert records == cli_records
    assert list(pipeline.annotate_iter([])) == []
    with pytest.raises(ValueError):
        next(pipeline.annotate_iter(articles, batch=0))


@pytest.mark.parametrize(
    "item",
    [
        {"id": "x"},
        {"id": "x", "text": 5},
        {"id": ["x"], "text": "Hello."},
        {"id": "x", "text": "Hello.", "meta": "not an object"},
        3,
        "a string",
        ["id", "text"],
    ],
)
def test_bad_input_raises_with_the_cli_message(pipeline, item):
    [line] = cli(["run", "-"], stdin=json.dumps(item) + "\n")
    expected = line["error"]
    good = {"id": "fine", "text": "Shares rose."}
    with pytest.raises(claimlink.InputError) as raised:
        pipeline.annotate([good, item])
    error = raised.value
    assert str(error) == expected["message"]
    assert error.kind == expected["kind"]
    assert error.index == 1
    assert isinstance(error, ValueError)
    assert isinstance(error, claimlink.ClaimlinkError)
    assert isinstance(error, RuntimeError)
    with pytest.raises(claimlink.InputError) as streamed:
        list(pipeline.annotate_iter([good, good, item], batch=2))
    assert str(streamed.value) == expected["message"]
    assert streamed.value.index == 2


def test_missing_models_raise_claimlink_error(tmp_path):
    with pytest.raises(claimlink.ClaimlinkError) as raised:
        claimlink.Pipeline(models=tmp_path / "nothing")
    assert str(tmp_path / "nothing") in str(raised.value)
    assert isinstance(raised.value, RuntimeError)
    assert not isinstance(raised.value, ValueError)


def test_the_gil_is_released_while_annotating(pipeline):
    # A long call: the corpus several times over.
    articles = [
        dict(article, id="{}-{}".format(article["id"], n))
        for n in range(4)
        for article in corpus_articles()
    ]
    tick = 0.005
    ticks = []
    stop = threading.Event()

    def counter():
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(tick)

    thread = threading.Thread(target=counter)
    thread.start()
    try:
        time.sleep(0.05)
        started = time.monotonic()
        records = pipeline.annotate(articles)
        ended = time.monotonic()
    finally:
        stop.set()
        thread.join()
    assert len(records) == len(articles)
    during = [t for t in ticks if started < t < ended]
    seconds = ended - started
    assert seconds > 0.2, "the call is long enough to tell"
    # Holding the GIL, the counter would stall for the whole inference; released, it
    # ticks all along (a quarter of the ideal leaves room for a busy machine).
    assert len(during) >= 0.25 * seconds / tick, (len(during), seconds)
