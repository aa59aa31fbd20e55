#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (two at a time, under nice -n 19) and
# writes the table of FUZZING.md: target, seconds, executions, coverage
# (libFuzzer's final `cov:` and `ft:`), crashes.
#
# A target that crashes before its time is up is restarted (at most 5
# times) for the time left, so every target gets its SECONDS; each crash
# input is kept in fuzz/artifacts/<target>/.
#
# Usage: fuzz/run.sh SECONDS [TARGET...]   (default: every target)
# Needs cargo-fuzz and a nightly toolchain; run fuzz/seed.sh first (run.sh
# calls it when fuzz/corpus/ is missing).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
secs=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
jobs=${FUZZ_JOBS:-2}
cd "$here"
[ -d corpus ] || ./seed.sh
# Release code without debug assertions, as shipped; no sanitizer (sarx has
# no unsafe code; a sanitizer would halve the executions on two cores).
flags=(-O -s none)
CARGO_TERM_PROGRESS_WHEN=never nice -n 19 cargo +nightly fuzz build "${flags[@]}"
if [ $# -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(cargo +nightly fuzz list); fi
bin_dir="$here/target/x86_64-unknown-linux-gnu/release"
mkdir -p logs

run_one() {
  local t=$1 left=$secs start now restarts=0 log
  mkdir -p "corpus/$t" "artifacts/$t"
  : > "logs/$t.log"
  start=$(date +%s)
  while [ "$left" -gt 0 ] && [ "$restarts" -le 5 ]; do
    log="logs/$t.$restarts.log"
    nice -n 19 "$bin_dir/$t" "corpus/$t" \
      -artifact_prefix="artifacts/$t/" -max_total_time="$left" \
      -rss_limit_mb=2048 -timeout=30 -print_final_stats=1 > "$log" 2>&1 || true
    cat "$log" >> "logs/$t.log"
    now=$(date +%s)
    left=$((secs - (now - start)))
    grep -qE 'Test unit written to .*/(crash|oom|timeout|leak)-' "$log" || break
    restarts=$((restarts + 1))
  done
  now=$(date +%s)
  echo "$t $((now - start))" > "logs/$t.time"
}

running=0
for t in "${targets[@]}"; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
done
wait

# The table holds every target with a run in fuzz/logs/ (the latest run of
# each), so running some targets again updates their rows only.
mapfile -t all < <(cargo +nightly fuzz list)
table=$(
  echo "| target | seconds | executions | cov | ft | crashes | finished (UTC) |"
  echo "|---|---:|---:|---:|---:|---:|---|"
  for t in "${all[@]}"; do
    [ -f "logs/$t.time" ] || continue
    log="logs/$t.log"
    seconds=$(awk '{print $2}' "logs/$t.time")
    finished=$(date -u -r "logs/$t.time" '+%Y-%m-%d %H:%M')
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{s += $2} END {print s + 0}')
    last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1)
    cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<< "$last")
    ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<< "$last")
    crashes=$(grep -cE 'Test unit written to .*/(crash|oom|timeout|leak)-' "$log" || true)
    echo "| $t | $seconds | $execs | ${cov:-?} | ${ft:-?} | $crashes | ${finished:-?} |"
  done
)
echo "$table"
md="$repo/FUZZING.md"
if [ -f "$md" ] && grep -q '<!-- run.sh table -->' "$md"; then
  # Replace what lies between the markers.
  awk -v table="$table" -v when="$(date -u '+%Y-%m-%d %H:%M UTC')" -v secs="$secs" '
    /<!-- run.sh table -->/ { print; print ""; print "Table written " when " (the latest run of each target; this run: " secs " s per target)."; print ""; print table; print ""; skip = 1; next }
    /<!-- end run.sh table -->/ { skip = 0 }
    !skip { print }
  ' "$md" > "$md.tmp" && mv "$md.tmp" "$md"
else
  printf '%s\n' "$table" > "$here/logs/table.md"
  echo "FUZZING.md has no table markers; table in fuzz/logs/table.md" >&2
fi
