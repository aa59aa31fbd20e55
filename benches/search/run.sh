#!/usr/bin/env bash
# Search benchmarks (issue [2]): (a) latency of a 5-identifier subject search
# on an index of >= 1,000,000 records; (b) verification throughput on one
# core, and ripgrep on one core over the same extracted text.
#
#   benches/search/run.sh            # SARX_BENCH_RECORDS=1000000 by default
#
# The corpus and its index are cached under $CARGO_TARGET_DIR/bench-search
# (default target/bench-search): only the first run pays for indexing.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
export SARX_BENCH_RECORDS="${SARX_BENCH_RECORDS:-1000000}"

if ! command -v rg >/dev/null 2>&1; then
    cargo install ripgrep
fi

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -n1), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2

# (b) verification throughput, then ripgrep on the same text.
json="$(cargo bench -j2 -p sarx-detect --bench search_verify 2>/dev/null | tail -n1)"
echo "$json" | jq -c .
dump="$(echo "$json" | jq -r .dump_dir)"
patterns="$(echo "$json" | jq -r .patterns_file)"
bytes="$(echo "$json" | jq -r .bytes)"

# The same identifiers as one regex: every name form, NI, e-mail, phone,
# reference and date of birth in the written styles the verifier accepts.
names='(?:margaret|maggie|peggy|meg|megan|madge|mags|greta|rita|daisy|m\.?)(?:\s+(?:anne|a\.?))?\s+(?:okafor|bell)|(?:okafor|bell),?\s+(?:margaret|maggie|peggy|meg|megan|madge|mags|greta|rita|daisy)|(?:mrs|ms|miss|mx|dr)\.?\s+(?:okafor|bell)'
ids='jm[ -]?48[ -]?27[ -]?61[ -]?c|m\.okafor79@example\.net|(?:\+44\s?(?:\(0\))?\s?|0044\s?|\(?0)7700\)?[\s-]?900[\s-]?461|ten-0045127|14[/.-]0?6[/.-](?:19)?79|1979-06-14|14(?:st|nd|rd|th)?(?:\s+of)?\s+june?\s+1979|june?\s+14(?:st|nd|rd|th)?,?\s+1979'
regex="(?i)(?:$names|$ids)"

best() { # best wall time of 3 runs of "$@", in seconds (nanosecond clock)
    local b=999999 t t0 t1
    for _ in 1 2 3; do
        t0="$(date +%s%N)"
        "$@" >/dev/null 2>&1 || true
        t1="$(date +%s%N)"
        t="$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.4f", (b - a) / 1e9}')"
        b="$(echo "$t $b" | awk '{print ($1 < $2) ? $1 : $2}')"
    done
    echo "$b"
}
t_fixed="$(best rg -j1 -c -F -i -f "$patterns" "$dump")"
t_regex="$(best rg -j1 -c -e "$regex" "$dump")"
mb="$(echo "$bytes" | awk '{print $1/1e6}')"
echo "ripgrep $(rg --version | head -n1)"
awk -v mb="$mb" -v f="$t_fixed" -v r="$t_regex" -v v="$(echo "$json" | jq .verify_mb_per_s_1_thread)" 'BEGIN {
    rf = (f > 0) ? mb / f : 0; rr = (r > 0) ? mb / r : 0; rb = (f + r > 0) ? mb / (f + r) : 0;
    printf "text: %.1f MB\n", mb;
    printf "rg -F -f patterns : %.4f s  %.1f MB/s\n", f, rf;
    printf "rg -e regex       : %.4f s  %.1f MB/s\n", r, rr;
    printf "rg both (sum)     : %.1f MB/s\n", rb;
    printf "sarx verify 1 thr : %.1f MB/s  (%.2fx rg -F, %.2fx rg regex, %.2fx rg both)\n", v, (rf > 0) ? v / rf : 0, (rr > 0) ? v / rr : 0, (rb > 0) ? v / rb : 0;
}'

# (a) latency on the >= 1M-record index (built and cached on first run).
if [ "${SKIP_LATENCY:-0}" != 1 ]; then
    cargo bench -j2 --bench search_latency 2>/dev/null | tail -n1 | jq -c .
fi
