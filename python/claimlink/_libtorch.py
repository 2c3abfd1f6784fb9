"""Finds and loads libtorch before the extension, which links against it.

The wheel does not bundle libtorch (about 500 MB, and most users have it already): it uses
the CPU libraries of the PyPI ``torch==2.4.0`` wheel, the build claimlink is compiled
against. They are located without importing ``torch`` (which is slow, and needs
``libtorch_python.so``), in this order:

1. ``$CLAIMLINK_LIBTORCH``: a ``torch`` package folder or any folder with ``lib/libtorch_cpu.so``;
2. the ``torch`` package on ``sys.path`` (found with ``importlib``, not imported).

Then ``libc10`` and ``libtorch_cpu`` are loaded by path (``libtorch_cpu`` finds the two
CUDA runtime stubs it needs at load time through its rpath into the ``nvidia`` packages); the extension's own
references to them resolve to these already-loaded libraries by their sonames.
"""

import ctypes
import importlib.util
import os
from pathlib import Path

#: The libtorch release the extension is built against (its C++ ABI must match).
TORCH_VERSION = "2.4.0"

# What the extension links (readelf -d): not libtorch.so, which needs libtorch_cuda.so.
_LIBS = ("libc10.so", "libtorch_cpu.so")

INSTALL_HINT = (
    "install the CPU libraries of torch {v} without its CUDA packages: "
    "pip install --no-deps torch=={v} nvidia-cuda-runtime-cu12==12.1.105 "
    "nvidia-cuda-cupti-cu12==12.1.105 (or set CLAIMLINK_LIBTORCH to a folder with "
    "lib/libtorch_cpu.so)"
).format(v=TORCH_VERSION)


def torch_lib_dir():
    """The folder holding libtorch_cpu.so, or raises ImportError saying how to get it."""
    given = os.environ.get("CLAIMLINK_LIBTORCH")
    if given:
        for candidate in (Path(given) / "lib", Path(given)):
            if (candidate / "libtorch_cpu.so").is_file():
                return candidate
        raise ImportError(
            "claimlink: CLAIMLINK_LIBTORCH={} has no lib/libtorch_cpu.so".format(given)
        )
    spec = importlib.util.find_spec("torch")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        candidate = Path(location) / "lib"
        if (candidate / "libtorch_cpu.so").is_file():
            _check_version(Path(location))
            return candidate
    raise ImportError("claimlink: libtorch not found; " + INSTALL_HINT)


def _check_version(torch_dir):
    """A different torch would load, then fail on missing C++ symbols: say so up front."""
    version_file = torch_dir / "version.py"
    try:
        text = version_file.read_text()
    except OSError:
        return
    for line in text.splitlines():
        if line.startswith("__version__"):
            version = line.split("=", 1)[1].strip().strip("'\"")
            if version.split("+")[0] != TORCH_VERSION:
                raise ImportError(
                    "claimlink: needs torch {} but {} has {}; {}".format(
                        TORCH_VERSION, torch_dir, version, INSTALL_HINT
                    )
                )
            return


def load():
    """Loads libtorch's shared libraries; returns their folder."""
    lib_dir = torch_lib_dir()
    for name in _LIBS:
        try:
            ctypes.CDLL(str(lib_dir / name), mode=ctypes.RTLD_GLOBAL)
        except OSError as e:
            raise ImportError(
                "claimlink: cannot load {}: {}; {}".format(lib_dir / name, e, INSTALL_HINT)
            ) from e
    return lib_dir
