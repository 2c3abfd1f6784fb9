#!/usr/bin/env bash
# Builds the portable bundle dist/claimlink-VERSION-linux-x86_64.tar.gz, one folder:
#   claimlink   the release binary, its library path set to $ORIGIN/lib
#   lib/        the libtorch shared libraries it loads (found with ldd), nothing else
#   models/     the model folders and companies.json
#   base/       the base encoder's weights (model.safetensors) and its README (licence)
# Unpacked anywhere, it runs with no environment at all: the binary finds lib/ through its
# $ORIGIN-relative path, and models/ and base/ next to itself (ModelPaths::locate).
# System libraries (glibc, libstdc++, libgcc_s) are the target machine's, as for any
# Debian binary.
#
# Environment: CLAIMLINK_SKIP_BUILD=1 to use the binary as it is; CLAIMLINK_BINARY to
# bundle another build of it; CLAIMLINK_DIST for another output folder. Prints the
# archive's path.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
name="claimlink-$version-linux-x86_64"
binary=${CLAIMLINK_BINARY:-$root/target/release/claimlink}
dist=${CLAIMLINK_DIST:-$root/dist}
site=$(readlink -f "$root/.libtorch/site")

if [ "${CLAIMLINK_SKIP_BUILD:-0}" != 1 ]; then
  cargo build --release --quiet
fi
[ -x "$binary" ] || { echo "bundle: no binary at $binary" >&2; exit 1; }
if ! command -v patchelf >/dev/null; then
  echo "bundle: installing patchelf (Debian)" >&2
  apt-get update -qq >&2 && apt-get install -y -qq patchelf >&2
fi

mkdir -p "$dist"
stage=$(mktemp -d "$dist/.bundle.XXXXXX")
trap 'rm -rf "$stage"' EXIT
out="$stage/$name"
mkdir -p "$out/lib" "$out/models" "$out/base"

cp "$binary" "$out/claimlink"
patchelf --set-rpath '$ORIGIN/lib' "$out/claimlink"

# Every library the binary loads, directly or through libtorch, that comes from the
# project's libtorch install rather than the system. libtorch_cpu.so finds its own
# dependencies through its $ORIGIN rpath, so one flat lib/ serves them all.
ldd "$binary" > "$stage/ldd.txt"
if grep -q "not found" "$stage/ldd.txt"; then
  echo "bundle: the binary has unresolved libraries:" >&2
  grep "not found" "$stage/ldd.txt" >&2
  exit 1
fi
awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }' "$stage/ldd.txt" | while read -r soname path; do
  real=$(readlink -f "$path")
  case "$real" in
    "$site"/*) cp "$real" "$out/lib/$soname" ;;
  esac
done
cp "$site/torch-2.4.0.dist-info/LICENSE" "$out/lib/LICENSE.libtorch"

cp -r "$root/models/." "$out/models/"
cp "$root/.libtorch/base/model.safetensors" "$root/.libtorch/base/README.md" "$out/base/"

# The bundle must not lean on the build tree: with no environment, every library that
# is not the system's resolves inside it.
leaks=$(env -i ldd "$out/claimlink" | awk '$2 == "=>" { print $3 }' \
  | grep -v -e "^$out/lib/" -e '^/lib/' -e '^/usr/lib/' || true)
if [ -n "$leaks" ]; then
  echo "bundle: libraries resolved outside the bundle: $leaks" >&2
  exit 1
fi

tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner -czf "$stage/$name.tar.gz" "$name"
mv "$stage/$name.tar.gz" "$dist/$name.tar.gz"
echo "$dist/$name.tar.gz"
