#!/usr/bin/env bash
# OCR throughput (issue 21, acceptance 3): pages/s of `sarx index` OCR'ing
# the generated scans on the worker pool, against the tesseract CLI run
# directly on the same pages in the same run (2 processes at a time, one a
# core, the same `--psm 1 tsv` output; PDF pages rendered at 300 dpi with
# pdftoppm first, as sarx does).
#
#   benches/ocr/run.sh              # 6 copies of each scan (30 pages), 2 threads
#   COPIES=10 THREADS=2 benches/ocr/run.sh
#   SARX_BIN=target/debug/sarx benches/ocr/run.sh   # an existing binary
#
# Prints a Markdown block for BENCHMARKS.md; raw summaries stay in $WORK.
set -euo pipefail

cd "$(dirname "$0")/../.."
COPIES=${COPIES:-6}
THREADS=${THREADS:-2}
WORK=${WORK:-/tmp/sarx-bench-ocr}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
command -v tesseract >/dev/null && command -v pdftoppm >/dev/null || {
  echo "tesseract and pdftoppm are needed: bash scripts/setup.sh" >&2
  exit 2
}
command -v jq >/dev/null || { echo "jq is needed" >&2; exit 2; }

if [ -n "${SARX_BIN:-}" ]; then
  SARX=$SARX_BIN
else
  cargo build --release -j2 --bin sarx >&2
  SARX="$CARGO_TARGET_DIR/release/sarx"
fi
rm -rf "$WORK" && mkdir -p "$WORK/scans"
${FIXTURES_BIN:-cargo run --release -j2 -p sarx-fixtures --} generate --out "$WORK/gen" >&2
for i in $(seq 1 "$COPIES"); do
  for f in "$WORK"/gen/corpus/housing/scans/*; do
    cp "$f" "$WORK/scans/copy$i-$(basename "$f")"
  done
done

# Pages: a TIFF page each IFD (tesseract reads every page), a PDF page each.
pages=0
for f in "$WORK"/scans/*; do
  case "$f" in
    *.tif) n=$(python3 - "$f" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
le = d[:2] == b'II'
u16=lambda o: struct.unpack(('<' if le else '>')+'H', d[o:o+2])[0]
u32=lambda o: struct.unpack(('<' if le else '>')+'I', d[o:o+4])[0]
off=u32(4); n=0
while off:
    n+=1; cnt=u16(off); off=u32(off+2+12*cnt)
print(n)
PY
); pages=$((pages + n)) ;;
    *.pdf) pages=$((pages + $(pdfinfo "$f" | awk '/^Pages:/ {print $2}'))) ;;
    *) pages=$((pages + 1)) ;;
  esac
done

cores=$(nproc)  # before OMP_THREAD_LIMIT, which nproc obeys
# The CLI directly: one job per file, $THREADS at a time, one OpenMP thread
# each (as sarx runs it: the parallelism is the processes').
export OMP_THREAD_LIMIT=1
direct_one() {
  f=$1
  case "$f" in
    *.pdf)
      n=$(pdfinfo "$f" | awk '/^Pages:/ {print $2}')
      for p in $(seq 1 "$n"); do
        pdftoppm -png -r 300 -f "$p" -l "$p" -singlefile "$f" | tesseract stdin stdout -l eng --psm 1 tsv >/dev/null 2>&1
      done ;;
    *) tesseract stdin stdout -l eng --psm 1 tsv <"$f" >/dev/null 2>&1 ;;
  esac
}
export -f direct_one
t0=$(date +%s.%N)
ls "$WORK"/scans/* | xargs -P "$THREADS" -I{} bash -c 'direct_one "$@"' _ {}
t1=$(date +%s.%N)
direct_secs=$(echo "$t1 - $t0" | bc -l)

# sarx on the same files.
t0=$(date +%s.%N)
"$SARX" index --json --quiet --threads "$THREADS" --ocr auto --shard ocr --index "$WORK/idx" "$WORK/scans" >"$WORK/sarx.json" || true
t1=$(date +%s.%N)
sarx_secs=$(echo "$t1 - $t0" | bc -l)
sarx_pages=$(jq .ocr_pages "$WORK/sarx.json")
ocr_busy=$(jq .timing.ocr_secs "$WORK/sarx.json")

direct_rate=$(echo "$pages / $direct_secs" | bc -l)
sarx_rate=$(echo "$sarx_pages / $sarx_secs" | bc -l)
ratio=$(echo "$sarx_rate / $direct_rate" | bc -l)
cat <<MD
### OCR pages/s ($cores cores, $THREADS workers, $(tesseract --version 2>&1 | head -1))

| | pages | wall s | pages/s |
|---|---:|---:|---:|
| tesseract CLI directly ($THREADS at a time) | $pages | $(printf %.1f "$direct_secs") | $(printf %.2f "$direct_rate") |
| sarx index --ocr auto | $sarx_pages | $(printf %.1f "$sarx_secs") | $(printf %.2f "$sarx_rate") |

sarx / direct: **$(printf %.2f "$ratio")×** (goal ≥ 0.9×); sarx's OCR busy time $(printf %.1f "$ocr_busy") s over $THREADS workers.
MD
