#!/bin/sh
# Bundle bench: time for `sarx bundle` (one shot: search + plans + fresh PDFs
# + zip + verification) on a subject with ~500 disclosed records.
# Usage: benches/bundle/run.sh [N]   (from the repository root)
set -eu
N=${1:-500}
: "${CARGO_TARGET_DIR:=target}"
# PROFILE=dev uses the debug build (workspace crates unoptimised, deps at opt-level 2).
PROFILE=${PROFILE:-release}
if [ "$PROFILE" = release ]; then
  cargo build -j2 --release --bin sarx
  SARX="$CARGO_TARGET_DIR/release/sarx"
else
  cargo build -j2 --bin sarx
  SARX="$CARGO_TARGET_DIR/debug/sarx"
fi
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
python3 benches/bundle/gen_corpus.py "$W/corpus" "$N"
"$SARX" index --index "$W/idx" -q "$W/corpus" >/dev/null
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
for i in 1 2 3; do
  /usr/bin/env time -f "run $i: %e s wall, %U s user, %M KiB max RSS" \
    "$SARX" bundle --index "$W/idx" --subject "$W/corpus/subject.toml" --received 2025-03-31 \
      --org fixtures/org/connect-housing.toml --ref BENCH --out "$W/bundle-$i.zip"
done
ls -la "$W"/bundle-1.zip
