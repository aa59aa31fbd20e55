#!/usr/bin/env bash
# Sets up a fresh machine and runs the main job on the bundled fixtures:
# index the sample corpus, search for a fixture subject, write a bundle.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release -j2 --bin sarx
out=${1:-target/demo}
rm -rf "$out" && mkdir -p "$out"
sarx=target/release/sarx
set +e
"$sarx" index --index "$out/index" fixtures/sample/corpus
code=$?
set -e
[ $code -le 1 ] || exit $code
"$sarx" search --index "$out/index" --subject fixtures/sample/subjects/okafor.toml
# One-shot: hits that match only her name are left out and counted (exit 1)
# until a caseworker confirms them (`sarx case open` + `sarx review`).
set +e
"$sarx" bundle --index "$out/index" --subject fixtures/sample/subjects/okafor.toml \
  --received 2026-11-02 --org fixtures/org/connect-housing.toml \
  --staff fixtures/sample/staff.csv --out "$out/okafor-bundle.zip"
code=$?
set -e
[ $code -le 1 ] || exit $code
echo "bundle written to $out/okafor-bundle.zip"
