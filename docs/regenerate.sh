#!/usr/bin/env bash
# Regenerates every figure and number shown in the book (docs/src/generated/) from seed 0, so
# the pages never drift from the code. Usage: docs/regenerate.sh   (then: mdbook build docs)
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/src/generated
cargo build --release --workspace --bins
rm -rf "$out"
for chapter in fashion-mnist activations mlp-scratch mlp-concise model-selection weight-decay dropout numerical-stability custom-layers; do
    extra=()
    case "$chapter" in
        model-selection) extra=(--degree-sweep) ;;
        weight-decay) extra=(--sweep) ;;
    esac
    echo "== $chapter"
    "target/release/$chapter" --seed 0 --out "$out/$chapter" "${extra[@]}" > "$out.$chapter.log" 2>&1 || { cat "$out.$chapter.log"; exit 1; }
    mv "$out.$chapter.log" "$out/$chapter/stdout.txt"
done
# Keep the pages light: checkpoints and PNG twins of the SVG figures are not needed there.
find "$out" \( -name '*.safetensors' -o -name '*.png' \) -delete
echo "regenerated $out"
