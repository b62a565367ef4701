#!/usr/bin/env bash
# Side-by-side: d2l-rs against the book's PyTorch code (scratch, concise and dropout MLPs) on
# the same cores, alternating A B A B, at 1 and 2 threads; the sgemm peak and FLOP floors;
# the cache-line round trip between two threads before each two-thread run; the cost as the
# width grows; the overheads. Prints a table naming the CPU.
#
#   benches/reference/compare.sh [--install] [compare.py options: --rounds N --epochs N
#       --exp scratch,concise,dropout --threads 1,2 --widths 256,1024,4096 --layers 1,2 --write]
#
# --install  pip-installs PyTorch (CPU) from PyPI into benches/reference/.venv if it is not
#            importable. Without PyTorch the script says so and times d2l-rs alone.
# --write    rewrites docs/src/generated/performance.md and the README's performance paragraph.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=benches/reference/.venv
install=0
args=()
for a in "$@"; do
    if [ "$a" = --install ]; then install=1; else args+=("$a"); fi
done
py=python3
[ -x "$venv/bin/python" ] && py="$venv/bin/python"
if ! "$py" -c "import torch" 2>/dev/null && [ "$install" = 1 ]; then
    python3 -m venv "$venv" && py="$venv/bin/python"
    "$py" -m pip install --quiet numpy torch
fi
exec python3 benches/reference/compare.py --python "$py" "${args[@]}"
