#!/bin/bash
# Before/after in one run: index and search with two sarx binaries,
# alternately, on the same corpus and subjects; checks both find the same
# hits.
#
#   benches/ab/run.sh OLD_SARX NEW_SARX CORPUS SUBJECTS_DIR [ROUNDS]
#
# e.g. a corpus from `sarx-fixtures generate --out W --size-mb 100`
# (CORPUS=W/corpus, SUBJECTS_DIR=W/subjects). OCR is off for both, so that
# Tesseract's time does not hide the difference.
set -eu
OLD=$1 NEW=$2 CORPUS=$3 SUBJECTS=$4 ROUNDS=${5:-3}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'); load $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$ROUNDS"); do
  for side in old new; do
    bin=$OLD; [ "$side" = new ] && bin=$NEW
    rm -rf "$W/idx-$side"
    /usr/bin/time -f "index round $round $side: %e s wall, %U s user, %M KiB max RSS" \
      "$bin" index -q --ocr off --index "$W/idx-$side" "$CORPUS" > /dev/null
  done
done
for round in $(seq "$ROUNDS"); do
  for side in old new; do
    bin=$OLD; [ "$side" = new ] && bin=$NEW
    s=$(date +%s.%N)
    for subj in "$SUBJECTS"/*.toml; do
      "$bin" search --json --index "$W/idx-$side" --subject "$subj" > "$W/search-$side-$(basename "$subj").json" 2>/dev/null || true
    done
    e=$(date +%s.%N)
    echo "search round $round $side: $(ls "$SUBJECTS"/*.toml | wc -l) subjects in $(echo "$e - $s" | bc) s"
  done
done
for subj in "$SUBJECTS"/*.toml; do
  b=$(basename "$subj")
  python3 - "$W/search-old-$b.json" "$W/search-new-$b.json" "$b" <<'PY'
import json, sys
key = lambda r: sorted((h["source"], h.get("locator", ""), round(h["confidence"], 3)) for h in r["hits"])
a, b = (key(json.load(open(p))) for p in sys.argv[1:3])
print(sys.argv[3], len(a), len(b), "same hits" if a == b else "DIFFERENT")
PY
done
