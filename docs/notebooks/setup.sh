#!/usr/bin/env bash
# Sets up the notebooks of docs/notebooks, installing only what is missing, at pinned versions:
# - the Rust kernel for Jupyter, evcxr_jupyter, with `cargo install --locked` into .ci/tools/
#   (beside the book's other tools; nothing goes into ~/.cargo);
# - Jupyter (JupyterLab, and nbclient for running notebooks headless) from PyPI into the
#   virtual environment docs/notebooks/.venv, every package at the version of requirements.txt;
# - the kernel, registered inside that environment as "Rust" (nothing is written to ~/.local).
# Then it prints how to open the notebooks. Run it again at any time: it is quick when nothing
# is missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
notebooks="$root/docs/notebooks"
tools="$root/.ci/tools"
venv="$notebooks/.venv"
EVCXR_VERSION=0.22.0

step() { printf '== %s\n' "$1"; }

if [[ "$(cat "$tools/evcxr_jupyter.version" 2>/dev/null)" != "$EVCXR_VERSION" ]]; then
    step "evcxr_jupyter $EVCXR_VERSION (cargo install --locked; about 7 minutes on 2 cores, once)"
    cargo install --locked --quiet evcxr_jupyter --version "$EVCXR_VERSION" --root "$tools"
    echo "$EVCXR_VERSION" > "$tools/evcxr_jupyter.version"
fi

if [[ ! -x "$venv/bin/python" ]]; then
    step "a Python virtual environment in docs/notebooks/.venv"
    python3 -m venv "$venv"
fi
if ! cmp -s "$notebooks/requirements.txt" "$venv/requirements.installed"; then
    step "Jupyter from PyPI (docs/notebooks/requirements.txt)"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$notebooks/requirements.txt"
    cp "$notebooks/requirements.txt" "$venv/requirements.installed"
fi

step "the Rust kernel, registered in docs/notebooks/.venv"
JUPYTER_PATH="$venv/share/jupyter" "$tools/bin/evcxr_jupyter" --install >/dev/null
# The kernel's environment, so that training in a cell runs at the chapter binaries' speed:
# evcxr builds the cells with its own Cargo.toml (a dev profile at `:opt 3` with debug
# assertions and overflow checks), which the first two turn off; the thread settings are the
# ones the binaries make (d2l_experiment::runner::set_thread_environment) for every core.
# CARGO_INCREMENTAL=1 because evcxr's `:cache` keys a build on rustc's arguments alone: with
# incremental builds off (CARGO_INCREMENTAL=0, as many CI setups and some users export), each
# cell's crate is built with the arguments of the cell before it, the cache hands back that
# cell's library, and the kernel fails with "dlsym failed". Incremental crates are never cached.
"$venv/bin/python" - "$venv/share/jupyter/kernels/rust/kernel.json" "$(nproc)" <<'PY'
import json, sys
path, cores = sys.argv[1], sys.argv[2]
spec = json.load(open(path))
spec["env"] = {
    "CARGO_PROFILE_DEV_DEBUG_ASSERTIONS": "false",
    "CARGO_PROFILE_DEV_OVERFLOW_CHECKS": "false",
    "RAYON_NUM_THREADS": cores,
    "CANDLE_NUM_THREADS": "1",
    "CARGO_INCREMENTAL": "1",
}
json.dump(spec, open(path, "w"), indent=2)
PY

cat <<MSG

The notebooks are ready. Open them with
    source docs/notebooks/.venv/bin/activate && jupyter lab docs/notebooks
(or \`jupyter notebook docs/notebooks\`), pick one, and run its cells in order. The first cell
of the first notebook builds the chapter crates (a few minutes); every later start takes
seconds (README.md, "Notebooks").
MSG
