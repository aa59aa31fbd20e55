#!/usr/bin/env bash
# PST/OST extraction speed: sarx (Extractor::extract_path, release build)
# against Debian's readpst (pst-utils) on the same file, in the same run.
#
#   benches/pst_vs_readpst.sh [FILE] [RUNS]
#
# FILE defaults to the largest store in ../shared/corpus-real/mail/pst
# (aspose-SampleOstFile.ost). Each of RUNS rounds (default 20) runs sarx
# once and readpst once, interleaved, so both see the same machine load;
# each invocation is timed from outside (process start included), wall
# and CPU (user+sys) seconds. items/s counts the
# store's items (messages, contacts, appointments), MB/s the file size.
# readpst writes every item and attachment to a temporary directory
# (-S -D -b -q -j 0, as in tests/it/pst_readpst_peer.rs); sarx extracts text
# and records into memory (attachments are parsed by their format
# extractors too). Prints Markdown for BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
FILE="${1:-../shared/corpus-real/mail/pst/aspose-SampleOstFile.ost}"
RUNS="${2:-20}"
command -v readpst >/dev/null || { echo "readpst missing: apt-get install pst-utils" >&2; exit 1; }
cargo build -q --release -j2 -p sarx-extract --example pst_extract
BIN="${CARGO_TARGET_DIR:-target}/release/examples/pst_extract"
SIZE=$(stat -c %s "$FILE")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

items=$("$BIN" "$FILE" 1 | sed -E 's/.*items=([0-9]+).*/\1/')
: >"$tmp/sarx.t"
: >"$tmp/readpst.t"
# timed OUT CMD...: appends "wall user sys" in seconds to OUT. Wall from a
# nanosecond clock, CPU from the shell's `times` in a subshell (millisecond
# resolution; /usr/bin/time rounds each run to 10 ms, which hides a 4 ms run).
# Needs bash >= 5 (EPOCHREALTIME).
timed() {
  local out=$1
  shift
  (
    t0=$EPOCHREALTIME # no fork: only the command is a child of this subshell
    "$@" >/dev/null 2>&1
    t1=$EPOCHREALTIME
    # `times` must run in this subshell itself (a pipe or substitution would
    # fork, and a fork starts with no children's times).
    times >"$tmp/times"
    read -r cu cs < <(tail -n1 "$tmp/times" | tr 'ms' '  ' | awk '{print $1 * 60 + $2, $3 * 60 + $4}')
    echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.6f", b - a}') $cu $cs"
  ) >>"$out"
}
for _ in $(seq "$RUNS"); do
  timed "$tmp/sarx.t" "$BIN" "$FILE" 1
  rm -rf "$tmp/out" && mkdir "$tmp/out"
  timed "$tmp/readpst.t" readpst -S -D -b -q -j 0 -o "$tmp/out" "$FILE"
done
rp_items=$(find "$tmp/out" -type f | awk -F/ '{print $NF}' | grep -cE '^[0-9]+$' || true)

sum() { awk '{w+=$1; c+=$2+$3} END {printf "%.3f %.3f", w, c}' "$1"; }
read -r sw sc <<<"$(sum "$tmp/sarx.t")"
read -r rw rc <<<"$(sum "$tmp/readpst.t")"
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
load=$(cut -d' ' -f1-3 /proc/loadavg)
awk -v f="$(basename "$FILE")" -v size="$SIZE" -v runs="$RUNS" -v items="$items" -v rpi="$rp_items" \
    -v sw="$sw" -v sc="$sc" -v rw="$rw" -v rc="$rc" -v cpu="$cpu" -v np="$(nproc)" -v load="$load" 'BEGIN {
  mb = size / 1e6
  printf "Machine: %s, nproc %s, load average at the end %s. File: %s (%.2f MB; sarx %d items, readpst %d items), %d interleaved runs each.\n\n", cpu, np, load, f, mb, items, rpi, runs
  printf "| tool | items/s (wall) | MB/s (wall) | wall s | CPU s (user+sys) | items/s (CPU) |\n|---|---|---|---|---|---|\n"
  printf "| sarx extract_path (release) | %.0f | %.2f | %.3f | %.3f | %.0f |\n", items*runs/sw, mb*runs/sw, sw, sc, items*runs/sc
  printf "| readpst -S -D -b -j 0 | %.0f | %.2f | %.3f | %.3f | %.0f |\n", rpi*runs/rw, mb*runs/rw, rw, rc, rpi*runs/rc
  printf "\nRatio sarx/readpst, items/s: %.2fx wall, %.2fx CPU\n", (items/sw)/(rpi/rw), (items/sc)/(rpi/rc)
}'
