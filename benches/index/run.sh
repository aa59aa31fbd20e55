#!/usr/bin/env bash
# Indexing benchmark (issue [1], acceptance 4 and 5).
#
#   benches/index/run.sh                 # 500 MB generated corpus, 2 threads
#   SIZE_MB=100 THREADS=2 benches/index/run.sh
#   CORPUS=/path/to/corpus benches/index/run.sh   # an existing corpus instead
#   RUNS=5 benches/index/run.sh          # fresh-index runs per corpus (median reported; default 3)
#
# Measures, on the same corpus:
#   1. first `sarx index` run (RUNS times, median): MB/s, files/s, busy time per stage (read,
#      extract, write, commit, merge), peak RSS (/usr/bin/time -v), index
#      size / input size;
#   2. re-index of the unchanged corpus: time and the speed-up over run 1;
#   2b. the same corpus without spreadsheets, spreadsheets alone, and without
#      PDFs (the office, mail and text formats of the throughput goal);
#   3. PDF extraction: pdftotext (poppler-utils) over the corpus's PDFs vs
#      sarx on the same PDFs, pages/s, both on one thread.
# Prints a Markdown block to paste into BENCHMARKS.md and keeps the raw
# JSON summaries in $WORK.
set -euo pipefail

cd "$(dirname "$0")/../.."
SIZE_MB=${SIZE_MB:-500}
THREADS=${THREADS:-2}
WORK=${WORK:-/tmp/sarx-bench-index}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
mkdir -p "$WORK"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need pdftotext || ! need pdfinfo; then
  echo "installing poppler-utils (pdftotext, pdfinfo)" >&2
  apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null
fi
need jq || { apt-get update -qq && apt-get install -y -qq jq >/dev/null; }
need bc || { apt-get update -qq && apt-get install -y -qq bc >/dev/null; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }

# SARX_BIN=path uses an existing binary (e.g. a dev build, for a quick look;
# publish only release-build figures).
if [ -n "${SARX_BIN:-}" ]; then
  SARX=$SARX_BIN
else
  cargo build --release -j2 --bin sarx >&2
  SARX="$CARGO_TARGET_DIR/release/sarx"
fi

if [ -z "${CORPUS:-}" ]; then
  CORPUS="$WORK/gen-$SIZE_MB/corpus"
  if [ ! -d "$CORPUS" ]; then
    ${FIXTURES_BIN:-cargo run --release -j2 -p sarx-fixtures --} generate --out "$WORK/gen-$SIZE_MB" --size-mb "$SIZE_MB" >&2
  fi
fi

input_files=$(find "$CORPUS" -type f | wc -l)

# Peak RSS in KiB from `/usr/bin/time -v` output.
rss() { awk -F': ' '/Maximum resident set size/ {print $2}' "$1"; }

# index_runs NAME DIR: RUNS fresh `sarx index` runs of DIR into $WORK/idx-NAME,
# each summary in $WORK/NAME-N.json and its /usr/bin/time output in
# $WORK/NAME-N.time. The report takes the median run (this VM's speed varies
# by ±10 % between runs). The last run's index stays for the re-index test.
RUNS=${RUNS:-3}
index_runs() {
  local name=$1 dir=$2 i
  for i in $(seq 1 "$RUNS"); do
    rm -rf "$WORK/idx-$name"
    sync
    /usr/bin/time -v "$SARX" index --quiet --json --threads "$THREADS" --shard bench \
      --index "$WORK/idx-$name" "$dir" >"$WORK/$name-$i.json" 2>"$WORK/$name-$i.time" || [ $? -eq 1 ]
  done
}

# 1. First runs into a fresh index.
index_runs first "$CORPUS"
# 2. Unchanged corpus (the last first run's index).
/usr/bin/time -v "$SARX" index --quiet --json --threads "$THREADS" --shard bench \
  --index "$WORK/idx-first" "$CORPUS" >"$WORK/second.json" 2>"$WORK/second.time" || [ $? -eq 1 ]

index_bytes=$(du -sb "$WORK/idx-first" | cut -f1)

# 2b. The same corpus without spreadsheets and CSV (documents, mail, text,
# PDF, archives: a file is a few records rather than thousands of rows), and
# the spreadsheets and CSV alone. Hard links, so no copy; fresh indexes.
# And the corpus without its PDFs: the office, mail and text formats the
# issue's throughput goal names (PDF extraction has its own goal, against
# pdftotext, below).
# subset NAME WHAT: hard-link into $WORK/NAME the corpus's spreadsheet and
# CSV files (WHAT=sheets), every other file (WHAT=no-sheets), or every file
# but the PDFs (WHAT=no-pdf).
subset() {
  rm -rf "${WORK:?}/$1"
  python3 - "$CORPUS" "$WORK/$1" "$2" <<'PY'
import os, shutil, sys
src, dst, what = sys.argv[1], sys.argv[2], sys.argv[3]
sheets = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
keep = {
    "sheets": lambda f: f.endswith(sheets),
    "no-sheets": lambda f: not f.endswith(sheets),
    "no-pdf": lambda f: not f.endswith(".pdf"),
}[what]
for root, _, files in os.walk(src):
    for f in files:
        if not keep(f.lower()):
            continue
        p = os.path.join(root, f)
        q = os.path.join(dst, os.path.relpath(p, src))
        os.makedirs(os.path.dirname(q), exist_ok=True)
        try:
            os.link(p, q)
        except OSError:
            shutil.copy2(p, q)
PY
}
subset no-sheets no-sheets
subset sheets sheets
subset no-pdf no-pdf
index_runs no-sheets "$WORK/no-sheets"
index_runs sheets "$WORK/sheets"
index_runs no-pdf "$WORK/no-pdf"

# 3. PDFs: the same files for both tools, one thread each. Done twice: on
# the generated corpus's PDFs (many small letters, where pdftotext's process
# start-up weighs) and on ../shared/corpus-real/pdf (real-world PDFs, larger
# and more varied), when present.
# pdf_compare NAME SRC_DIR -> $WORK/pdf-NAME.{json,txt}: files pages pdftotext_secs
pdf_compare() {
  local name=$1 src=$2 dir="$WORK/pdfs-$1" i=0 pages=0 n t0 t1
  rm -rf "$dir" && mkdir -p "$dir"
  while IFS= read -r -d '' f; do
    # Only PDFs pdfinfo can open (not encrypted, not corrupt), so both
    # tools get the same pages.
    n=$(pdfinfo "$f" 2>/dev/null | awk '/^Pages:/ {print $2}') || true
    [ -n "$n" ] || continue
    i=$((i + 1))
    pages=$((pages + n))
    cp "$f" "$dir/$i.pdf"
  done < <(find "$src" -type f -iname '*.pdf' -print0 | sort -z)
  t0=$(date +%s.%N)
  for f in "$dir"/*.pdf; do
    [ -e "$f" ] || continue
    pdftotext -q "$f" /dev/null || true
  done
  t1=$(date +%s.%N)
  rm -rf "$WORK/idx-pdf-$name"
  "$SARX" index --quiet --json --threads 1 --shard pdf --index "$WORK/idx-pdf-$name" "$dir" \
    >"$WORK/pdf-$name.json" || [ $? -eq 1 ]
  echo "$i $pages $(echo "$t1 - $t0" | bc -l)" >"$WORK/pdf-$name.txt"
}
pdf_compare gen "$CORPUS"
REAL_PDF=${REAL_PDF:-../shared/corpus-real/pdf}
if [ -d "$REAL_PDF" ]; then
  pdf_compare real "$REAL_PDF"
fi

python3 - "$WORK" "$input_files" "$index_bytes" "$(rss "$WORK/second.time")" \
  "$THREADS" "$CORPUS" "$SARX" "$RUNS" <<'EOF'
import json, os, re, sys, platform, subprocess
work, infiles, idxb, rss2, threads, corpus, sarx_bin, runs = sys.argv[1:]
infiles, idxb, rss2, runs = int(infiles), int(idxb), int(rss2), int(runs)

def rss(path):
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(path).read())
    return int(m.group(1)) if m else 0

def median_run(name):
    """(median summary, all wall times, highest peak RSS in KiB) of NAME's runs."""
    done = [(json.load(open(f"{work}/{name}-{i}.json")), rss(f"{work}/{name}-{i}.time"))
            for i in range(1, runs + 1)]
    done.sort(key=lambda d: d[0]["elapsed_secs"])
    return done[len(done) // 2][0], [d[0]["elapsed_secs"] for d in done], max(d[1] for d in done)

first, first_times, rss1 = median_run("first")
second = json.load(open(f"{work}/second.json"))
ns, ns_times, _ = median_run("no-sheets")
sh, sh_times, _ = median_run("sheets")
np_, np_times, _ = median_run("no-pdf")
times = lambda ts: ", ".join(f"{t:.1f}" for t in ts)
# Input size as sarx counted it (sum of file sizes; `du` would add directory blocks).
inb = first["bytes_seen"]
t = first["timing"]
e1, e2 = first["elapsed_secs"], second["elapsed_secs"]
mb = inb / 1e6
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
busy = t["read_secs"] + t["extract_secs"] + t["write_secs"] + t["commit_secs"] + t["merge_secs"]

def pdf_row(name, label):
    if not os.path.exists(f"{work}/pdf-{name}.txt"):
        return ""
    files, pages, ptt = open(f"{work}/pdf-{name}.txt").read().split()
    files, pages, ptt = int(files), int(pages), float(ptt)
    pdf = json.load(open(f"{work}/pdf-{name}.json"))
    busy = pdf["timing"]["read_secs"] + pdf["timing"]["extract_secs"]
    wall = pdf["elapsed_secs"]
    return (f"| {label} PDFs ({files} files, {pages} pages per pdfinfo): pdftotext, one process per file, 1 thread | "
            f"{ptt:.1f} s = {pages / ptt if ptt else 0:.0f} pages/s |\n"
            f"| Same PDFs, `sarx index --threads 1` | wall {wall:.1f} s = {pages / wall if wall else 0:.0f} pages/s "
            f"(**{ptt / wall if wall else 0:.2f}× pdftotext**); read+extract busy {busy:.1f} s = "
            f"{pages / busy if busy else 0:.0f} pages/s ({ptt / busy if busy else 0:.2f}×) |")

pdf_rows = "\n".join(r for r in (pdf_row("gen", "Generated"), pdf_row("real", "corpus-real")) if r)
print(f"""
### Run of {subprocess.run(['date', '-u', '+%Y-%m-%d %H:%M UTC'], capture_output=True, text=True).stdout.strip()}

Machine: {nproc} CPUs ({cpu}). Corpus: `{corpus}`,
{mb:.0f} MB in {infiles} files. `sarx index --threads {threads}` (binary: `{sarx_bin}`).

| Measure | Value |
|---|---|
| First run, wall (median of {runs}: {times(first_times)} s) | {e1:.1f} s |
| Throughput | **{mb / e1:.1f} MB/s**, {first['files_seen'] / e1:.0f} files/s |
| Records | {first['totals']['records']} ({', '.join(f'{k} {v}' for k, v in first['totals']['records_by_kind'].items())}) |
| Unsearchable | {first['totals']['unsearchable']} ({', '.join(f'{k} {v}' for k, v in first['totals']['unsearchable_by_reason'].items())}) |
| Busy time: read+hash / extract (summed over {threads} workers) | {t['read_secs']:.1f} s / {t['extract_secs']:.1f} s |
| Busy time: write (build docs, feed tantivy) / commit / final merge (writer thread) | {t['write_secs']:.1f} s / {t['commit_secs']:.1f} s ({t['commits']} commits) / {t['merge_secs']:.1f} s |
| Share of busy time in extraction (read+extract) vs index writing | {100 * (t['read_secs'] + t['extract_secs']) / busy:.0f} % / {100 * (t['write_secs'] + t['commit_secs'] + t['merge_secs']) / busy:.0f} % |
| Peak RSS, first runs (highest) | {rss1 / 1024:.0f} MiB |
| Index size / input size | {idxb / 1e6:.0f} MB / {mb:.0f} MB = {idxb / inb:.2f} |
| Same corpus without PDFs — office, mail and text formats ({np_['files_seen']} files, {np_['bytes_seen'] / 1e6:.0f} MB, {np_['totals']['records']} records), median of {times(np_times)} s | {np_['elapsed_secs']:.1f} s = **{np_['bytes_seen'] / 1e6 / np_['elapsed_secs']:.1f} MB/s**, {np_['files_seen'] / np_['elapsed_secs']:.0f} files/s |
| Same corpus without spreadsheets/CSV ({ns['files_seen']} files, {ns['bytes_seen'] / 1e6:.0f} MB, {ns['totals']['records']} records), median of {times(ns_times)} s | {ns['elapsed_secs']:.1f} s = **{ns['bytes_seen'] / 1e6 / ns['elapsed_secs']:.1f} MB/s**, {ns['files_seen'] / ns['elapsed_secs']:.0f} files/s |
| Its spreadsheets and CSV alone ({sh['files_seen']} files, {sh['bytes_seen'] / 1e6:.0f} MB, {sh['totals']['records']} records), median of {times(sh_times)} s | {sh['elapsed_secs']:.1f} s = **{sh['bytes_seen'] / 1e6 / sh['elapsed_secs']:.1f} MB/s**, {sh['totals']['records'] / sh['elapsed_secs']:.0f} records/s |
| Re-index unchanged corpus | {e2:.2f} s ({second['files_unchanged']} files unchanged, {second['bytes_read']} bytes read), **{e1 / e2:.0f}× faster**, peak RSS {rss2 / 1024:.0f} MiB |
{pdf_rows}
""")
EOF
