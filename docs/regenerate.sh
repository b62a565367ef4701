#!/usr/bin/env bash
# Regenerates every figure and number shown in the book (docs/src/generated/) from seed 0, so
# the pages never drift from the code. Usage: docs/regenerate.sh   (then: mdbook build docs)
# Needs tmux and python3 for the dashboard screenshot.
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/src/generated
cargo build --release --workspace --bins
# (performance.md beside the chapters' folders is written by benches/reference/compare.sh.)
for chapter in fashion-mnist activations mlp-scratch mlp-concise model-selection weight-decay dropout backprop numerical-stability custom-layers; do
    extra=(--seed 0)
    case "$chapter" in
        fashion-mnist) extra+=(--reader-speed 1,16,64,256,1024) ;;
        model-selection) extra+=(--degree-sweep --size-sweep 10,20,50,100,200) ;;
        weight-decay) extra+=(--sweep) ;;
    esac
    echo "== $chapter"
    rm -rf "${out:?}/$chapter"
    "target/release/$chapter" --out "$out/$chapter" "${extra[@]}" > "$out.$chapter.log" 2>&1 || { cat "$out.$chapter.log"; exit 1; }
    mv "$out.$chapter.log" "$out/$chapter/stdout.txt"
done
# 4.2's exercises: width, depth and learning rate, every combination.
echo "== mlp-scratch sweep"
rm -rf "${out:?}/mlp-scratch-sweep"
target/release/mlp-scratch --seed 0 --sweep-hiddens 16,64,256,1024 --sweep-lrs 0.03,0.1,0.3 \
    --sweep-layers 1,2 --quiet --out "$out/mlp-scratch-sweep" > /dev/null
# 4.3's exercises: depth, activation and initialisation of the concise net, one change at a
# time from the book's setup, gathered into one table.
echo "== mlp-concise exercises"
ex="$out/mlp-concise-exercises"
rm -rf "${ex:?}"
mkdir -p "$ex"
runs=(layers-1 layers-2 layers-3 layers-2-lr-0.3 layers-3-lr-0.3 activation-sigmoid activation-tanh
      init-xavier init-default)
for run in "${runs[@]}"; do
    case "$run" in
        layers-*-lr-*) args=(--num-layers "$(cut -d- -f2 <<< "$run")" --lr "$(cut -d- -f4 <<< "$run")") ;;
        layers-*) args=(--num-layers "${run#layers-}") ;;
        activation-*) args=(--activation "${run#activation-}") ;;
        init-*) args=(--init "${run#init-}") ;;
    esac
    target/release/mlp-concise --seed 0 --quiet "${args[@]}" --out "$ex/$run" > /dev/null
done
find "$ex" -name 'predictions.*' -delete
docs/tools/runs-table.py "$ex" "${runs[@]}"
# 4.5's exercise 3: the L1 penalty in place of the L2 one (the scratch variant's penalty).
echo "== weight-decay, L1"
rm -rf "${out:?}/weight-decay-l1"
target/release/weight-decay --seed 0 --penalty l1 --variants scratch --quiet --out "$out/weight-decay-l1" \
    > "$out/weight-decay-l1.log"
mv "$out/weight-decay-l1.log" "$out/weight-decay-l1/stdout.txt"
# 4.6's exercises: one model per dropout rate, and 30 epochs with and without dropout.
echo "== dropout grid and comparison"
rm -rf "${out:?}/dropout-grid" "${out:?}/dropout-compare"
target/release/dropout --seed 0 --grid 0,0.2,0.5,0.8 --quiet --out "$out/dropout-grid" > "$out/dropout-grid.log"
mv "$out/dropout-grid.log" "$out/dropout-grid/stdout.txt"
target/release/dropout --seed 0 --compare --num-epochs 30 --quiet --out "$out/dropout-compare" > "$out/dropout-compare.log"
mv "$out/dropout-compare.log" "$out/dropout-compare/stdout.txt"
rm -rf "${out:?}/dropout-swapped"
target/release/dropout --seed 0 --dropout1 0.5 --dropout2 0.2 --quiet --out "$out/dropout-swapped" > /dev/null
# 4.6's exercises 5 and 6: dropout against and with weight decay, and dropout of weights.
echo "== dropout with weight decay, and of weights"
ex="$out/dropout-exercises"
rm -rf "${ex:?}"
mkdir -p "$ex"
runs=(units none none-decay-1e-4 none-decay-1e-3 units-decay-1e-4 units-decay-1e-3 weights)
for run in "${runs[@]}"; do
    args=()
    case "$run" in none*) args+=(--dropout1 0 --dropout2 0) ;; weights) args+=(--drop-weights) ;; esac
    case "$run" in *-decay-*) args+=(--weight-decay "${run##*-decay-}") ;; esac
    target/release/dropout --seed 0 --quiet "${args[@]}" --out "$ex/$run" > /dev/null
done
find "$ex" -type f ! -name config.json ! -name summary.json ! -name metrics.csv -delete
docs/tools/runs-table.py "$ex" "${runs[@]}"
# The training figures of 4.2, 4.3 and 4.6 over five seeds: seed 0's curves over each
# curve's spread, and the final numbers of every seed.
cargo build --release -p d2l-plot --example seed_band
for chapter in mlp-scratch mlp-concise dropout; do
    echo "== $chapter, seeds 0 to 4"
    rm -rf "${out:?}/seeds/$chapter"
    for seed in 0 1 2 3 4; do
        target/release/"$chapter" --seed "$seed" --quiet --out "$out/seeds/$chapter/seed-$seed" > /dev/null
        # Only the records the figure and the table are drawn from.
        find "$out/seeds/$chapter/seed-$seed" -type f ! -name metrics.csv ! -name summary.json -delete
    done
    target/release/examples/seed_band "$out/seeds/$chapter" 10
done
# Keep the pages light: no checkpoints; line plots as SVG, image grids (one rectangle per
# pixel in SVG) as PNG.
find "$out" -name '*.safetensors' -delete
find "$out" -name '*.png' ! -name 'train-images.png' ! -name 'predictions.png' -delete
find "$out" \( -name 'train-images.svg' -o -name 'predictions.svg' \) -delete
# The dashboard screenshot, from a real run in tmux.
docs/tools/dashboard-screenshot.sh
echo "regenerated $out"
