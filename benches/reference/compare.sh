#!/usr/bin/env bash
# Side-by-side: d2l-rs's mlp-scratch against the book's PyTorch code on the same cores, run
# alternately (A B A B ...) so that machine drift hits both. Prints per-round seconds per epoch,
# the medians and the ratios.
#
#   benches/reference/compare.sh [--install] [--rounds N] [--epochs N] [--threads N] [--dataloader]
#
# --install  pip-installs PyTorch (CPU) into benches/reference/.venv if it is not importable.
# Without PyTorch the script says so and times d2l-rs alone.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=3 epochs=3 threads=2 install=0 dataloader=0
while [ $# -gt 0 ]; do
    case "$1" in
        --install) install=1 ;;
        --rounds) rounds=$2; shift ;;
        --epochs) epochs=$2; shift ;;
        --threads) threads=$2; shift ;;
        --dataloader) dataloader=1 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
venv=benches/reference/.venv
py=python3
[ -x "$venv/bin/python" ] && py="$venv/bin/python"
if ! "$py" -c "import torch" 2>/dev/null; then
    if [ "$install" = 1 ]; then
        python3 -m venv "$venv" && py="$venv/bin/python"
        "$py" -m pip install --quiet numpy torch || { echo "could not install PyTorch; timing d2l-rs only"; }
    fi
fi
have_torch=0
"$py" -c "import torch" 2>/dev/null && have_torch=1
[ "$have_torch" = 1 ] || echo "PyTorch is not importable (run with --install to pip-install it); timing d2l-rs only"

cargo build --release -q -p mlp-scratch
tmp=$(mktemp -d)
ours=() theirs=() loader=()
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for round in $(seq "$rounds"); do
    target/release/mlp-scratch --num-epochs "$epochs" --threads "$threads" --quiet --out "$tmp/r$round" > /dev/null
    # Median over the epochs of this round (the first epoch includes warm-up in both).
    s=$("$py" -c "import csv,statistics,sys; print(statistics.median(float(r['seconds']) for r in csv.DictReader(open(sys.argv[1]))))" "$tmp/r$round/timings.csv")
    ours+=("$s")
    line="round $round: d2l-rs $s s/epoch"
    if [ "$have_torch" = 1 ]; then
        t=$("$py" benches/reference/mlp_scratch_torch.py --epochs "$epochs" --threads "$threads" \
            | "$py" -c "import json,statistics,sys; print(statistics.median(json.load(sys.stdin)['seconds_per_epoch']))")
        theirs+=("$t")
        line="$line, PyTorch (resident data) $t s/epoch"
        if [ "$dataloader" = 1 ]; then
            u=$("$py" benches/reference/mlp_scratch_torch.py --pipeline dataloader --epochs 1 --threads "$threads" \
                | "$py" -c "import json,statistics,sys; print(statistics.median(json.load(sys.stdin)['seconds_per_epoch']))")
            loader+=("$u")
            line="$line, PyTorch (book DataLoader) $u s/epoch"
        fi
    fi
    echo "$line"
done
m_ours=$(median "${ours[@]}")
echo "median d2l-rs: $m_ours s/epoch ($threads threads, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs))"
if [ "$have_torch" = 1 ]; then
    m_theirs=$(median "${theirs[@]}")
    echo "median PyTorch (resident): $m_theirs s/epoch; PyTorch / d2l-rs = $(awk "BEGIN {printf \"%.2f\", $m_theirs / $m_ours}")"
    if [ "$dataloader" = 1 ]; then
        m_loader=$(median "${loader[@]}")
        echo "median PyTorch (book DataLoader): $m_loader s/epoch; ratio $(awk "BEGIN {printf \"%.2f\", $m_loader / $m_ours}")"
    fi
fi
rm -rf "$tmp"
