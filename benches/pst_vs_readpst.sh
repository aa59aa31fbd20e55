#!/usr/bin/env bash
# PST/OST extraction speed: sarx (Extractor::extract_path, release build)
# against Debian's readpst (pst-utils) on the same file, in the same run.
#
#   benches/pst_vs_readpst.sh [FILE] [RUNS]
#
# FILE defaults to the largest store in ../shared/corpus-real/mail/pst
# (aspose-SampleOstFile.ost). Both tools process the file RUNS times
# (default 20); items/s counts the store's items (messages, contacts,
# appointments), MB/s the store's file size. readpst writes every item and
# attachment to a temporary directory (-S -D -b -q -j 0, as in
# tests/pst_readpst_peer.rs); sarx extracts text and records into memory
# (attachments are parsed by their format extractors too).
# Prints a Markdown table row set for BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
FILE="${1:-../shared/corpus-real/mail/pst/aspose-SampleOstFile.ost}"
RUNS="${2:-20}"
command -v readpst >/dev/null || { echo "readpst missing: apt-get install pst-utils" >&2; exit 1; }
cargo build -q --release -j2 -p sarx-extract --example pst_extract
BIN="${CARGO_TARGET_DIR:-target}/release/examples/pst_extract"
SIZE=$(stat -c %s "$FILE")

sarx_line=$("$BIN" "$FILE" "$RUNS")
items=$(sed -E 's/.*items=([0-9]+).*/\1/' <<<"$sarx_line")
sarx_s=$(sed -E 's/.*seconds=([0-9.]+).*/\1/' <<<"$sarx_line")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
t0=$(date +%s.%N)
for _ in $(seq "$RUNS"); do
  rm -rf "$tmp/out" && mkdir "$tmp/out"
  readpst -S -D -b -q -j 0 -o "$tmp/out" "$FILE" >/dev/null 2>&1
done
t1=$(date +%s.%N)
rp_s=$(echo "$t1 - $t0" | bc -l)
rp_items=$(find "$tmp/out" -type f | awk -F/ '{print $NF}' | grep -cE '^[0-9]+$' || true)

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
awk -v f="$(basename "$FILE")" -v size="$SIZE" -v runs="$RUNS" -v items="$items" -v rpi="$rp_items" \
    -v ss="$sarx_s" -v rs="$rp_s" -v cpu="$cpu" -v np="$(nproc)" 'BEGIN {
  mb = size / 1e6
  sips = items * runs / ss; smbs = mb * runs / ss
  rips = rpi * runs / rs;   rmbs = mb * runs / rs
  printf "Machine: %s, nproc %s. File: %s (%.2f MB, %d items), %d runs each.\n\n", cpu, np, f, mb, items, runs
  printf "| tool | items/s | MB/s | total s |\n|---|---|---|---|\n"
  printf "| sarx (extract_path, release) | %.0f | %.2f | %.3f |\n", sips, smbs, ss
  printf "| readpst -S -D -b -j 0 | %.0f | %.2f | %.3f |\n", rips, rmbs, rs
  printf "\nRatio sarx/readpst (items/s): %.2fx\n", sips / rips
}'
