#!/usr/bin/env bash
# make demo: the main job on the shipped trace (filled in as layers land).
set -euo pipefail
BUILD=${1:-build}
"$BUILD/axon" --help
