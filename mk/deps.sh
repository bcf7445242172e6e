#!/usr/bin/env bash
# Installs the Debian packages axon needs, only those that are missing (idempotent),
# and extracts the OSU 0.18 um liberty from qflow-tech-osu018 without installing qflow.
# Usage: bash mk/deps.sh [extra-package ...]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
pkgs=(build-essential pkg-config libsqlite3-dev libcjson-dev libcriterion-dev
      verilator libsystemc-dev yosys gnuplot-nox python3-numpy
      python3-onnx python3-pil python3-torch fonts-dejavu-core
      # the Python package (python/): pip/setuptools/wheel build and install it
      # offline (--no-build-isolation), venv for the documented install, pytest
      # runs python/tests (tests/e2e/test_python.sh)
      python3-pip python3-setuptools python3-wheel python3-venv python3-pytest
      # slurm-wlm + munge: tests/e2e/test_sweep_slurm.sh runs the script of
      # `axon sweep --emit-slurm` on a private single-node Slurm cluster
      # (daemons started and stopped by the test in its temporary directory)
      slurm-wlm munge "$@")
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ "${#missing[@]}" -gt 0 ]; then
  echo "deps: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
# Node.js and npm run the real-trace recorder (traces/real); many images ship their own.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >&2
fi
# Liberty only: qflow-tech-osu018 pulls in qflow, which we do not need.
lib="$here/.deps/osu018"
if [ ! -f "$lib/osu018_stdcells.lib" ]; then
  tmp=$(mktemp -d)
  ( cd "$tmp" && apt-get download qflow-tech-osu018 >/dev/null 2>&1 ) || {
    $SUDO apt-get update -qq; ( cd "$tmp" && apt-get download qflow-tech-osu018 >/dev/null ); }
  dpkg-deb -x "$tmp"/qflow-tech-osu018_*.deb "$tmp/x"
  f=$(find "$tmp/x" -name 'osu018_stdcells.lib' | head -n 1)
  [ -n "$f" ] || { echo "deps: osu018_stdcells.lib not found in qflow-tech-osu018" >&2; exit 1; }
  mkdir -p "$lib"
  cp "$f" "$lib/"
  rm -rf "$tmp"
fi
