#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seeds: the real-world corpus in
# ../shared/corpus-real (not committed: third-party sample files), the
# synthetic fixtures/ of this repository, and the small hand-written seeds
# in fuzz/seeds/. Files over 1 MiB are skipped, over 64 KiB for the CSV
# targets (libFuzzer's -max_len follows the largest seed, and big seeds slow
# every mutation: with the 815 KiB NISRA names file as a seed, `delimited`
# ran 3 executions a second).
#
# The extraction targets that cover several formats read the format from
# the first byte (fuzz_targets/common.rs, `select`): each seed gets its
# format's index prepended.
#
# Usage: fuzz/seed.sh [CORPUS_REAL]   (default: ../shared/corpus-real next to
# the repository, then /work/shared/corpus-real)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
real=${1:-}
if [ -z "$real" ]; then
  for c in "$repo/../shared/corpus-real" /work/shared/corpus-real; do
    if [ -d "$c" ]; then real=$c; break; fi
  done
fi
if [ -z "$real" ] || [ ! -d "$real" ]; then
  echo "seed.sh: no corpus-real found; seeding from fixtures/ and fuzz/seeds/ only" >&2
  real=
fi
corpus="$here/corpus"
mkdir -p "$corpus"

# seed TARGET INDEX EXT...: every file with one of EXTs, prefixed by INDEX
# (or copied as is when INDEX is '-').
seed() {
  local target=$1 index=$2; shift 2
  mkdir -p "$corpus/$target"
  local ext f size out max=$((1 << 20))
  case $target in delimited | staff_csv) max=$((64 << 10)) ;; esac
  for ext in "$@"; do
    while IFS= read -r -d '' f; do
      size=$(stat -c %s "$f")
      [ "$size" -le "$max" ] || continue
      out="$corpus/$target/$(basename "$f" | tr -c 'A-Za-z0-9._-' '_')"
      if [ "$index" = - ]; then
        cp "$f" "$out"
      else
        { printf "\\x$(printf %02x "$index")"; cat "$f"; } > "$out"
      fi
    done < <(find ${real:+"$real"} "$repo/fixtures" -type f -iname "*.$ext" -print0 2>/dev/null)
  done
}

seed pdf 0 pdf
seed office 0 docx docm dotx
seed office 1 pptx
seed office 2 odt
seed office 3 odp
seed workbook 0 xlsx xlsm
seed workbook 1 xlsb
seed workbook 2 ods
seed xls 0 xls
seed outlook 0 msg oft
seed outlook 1 dat
seed mail 0 eml
seed mail 1 mbox
seed mail 2 emlx
seed pst 0 pst ost
seed archive 0 zip
seed archive 1 tar
seed archive 2 gz tgz
seed markup 0 rtf
seed markup 1 html htm
seed markup 2 txt md
seed delimited 0 csv
seed delimited 1 tsv
seed sniff - pdf docx xlsx xlsb xls ods odt msg eml mbox emlx pst zip tar gz rtf html csv dat 7z rar doc ppt txt
seed subject_profile - toml
seed org_profile - toml
seed staff_csv - csv
for t in "$here"/seeds/*/; do
  t=$(basename "$t")
  mkdir -p "$corpus/$t"
  cp "$here/seeds/$t"/* "$corpus/$t/"
done
for d in "$corpus"/*/; do
  printf '%-16s %5d seeds\n' "$(basename "$d")" "$(find "$d" -type f | wc -l)"
done
