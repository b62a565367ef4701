#!/usr/bin/env bash
# Screenshots the terminal dashboard of a real run: mlp-scratch in a 120 × 34 tmux terminal,
# captured mid-training with colours and rendered to docs/src/generated/dashboard.svg.
# Usage: docs/tools/dashboard-screenshot.sh   (needs tmux and python3)
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -q -p mlp-scratch
out=$(mktemp -d)
socket="d2l-screenshot-$$"
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$out"' EXIT
tmux -L "$socket" new-session -d -s s -x 120 -y 34 \
    "target/release/mlp-scratch --num-epochs 10 --out $out/run --no-wait; sleep 5"
for _ in $(seq 200); do
    tmux -L "$socket" capture-pane -p -t s | grep -q "epoch 7/10" && break
    sleep 0.05
done
tmux -L "$socket" capture-pane -e -p -t s > "$out/screen.txt"
python3 docs/tools/screen-to-svg.py < "$out/screen.txt" > docs/src/generated/dashboard.svg
echo "wrote docs/src/generated/dashboard.svg"
