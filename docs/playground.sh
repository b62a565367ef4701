#!/usr/bin/env bash
# Builds the book with its playground: the chapter crates compiled to WebAssembly
# (crates/web, with SIMD128), wasm-bindgen's JavaScript glue, and the committed Fashion-MNIST
# files next to the page. Usage:
#   docs/playground.sh          build docs/book/ (open it through a web server, not file://)
#   docs/playground.sh serve    build, then serve it on http://127.0.0.1:8000/playground.html
# It installs what it needs and lacks, at pinned versions, into .ci/tools/ (as CI does):
# the wasm32 target, wasm-bindgen-cli (the same version as the wasm-bindgen crate), mdbook and
# mdbook-katex (the math, rendered at build time), and KaTeX's stylesheet and fonts from npm.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN=0.2.129
MDBOOK=0.4.52
MDBOOK_KATEX=0.9.4
tools="$PWD/.ci/tools"
export PATH="$tools/bin:$PATH"

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN"; then
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN" --locked --root "$tools"
fi
if ! mdbook --version 2>/dev/null | grep -q "v$MDBOOK"; then
    cargo install mdbook --version "$MDBOOK" --locked --no-default-features --features search --root "$tools"
fi
if ! mdbook-katex --version 2>/dev/null | grep -q "$MDBOOK_KATEX"; then
    cargo install mdbook-katex --version "$MDBOOK_KATEX" --locked --root "$tools"
fi
# KaTeX's stylesheet and fonts, served with the book (docs/theme/head.hbs links them).
(cd docs && npm ci --no-audit --no-fund --silent)
rm -rf docs/src/katex
mkdir -p docs/src/katex
cp docs/node_modules/katex/dist/katex.min.css docs/src/katex/
cp -r docs/node_modules/katex/dist/fonts docs/src/katex/

site=docs/src/playground
cargo build --profile web --target wasm32-unknown-unknown -p d2l-web
wasm-bindgen --target web --no-typescript --out-dir "$site/pkg" \
    target/wasm32-unknown-unknown/web/d2l_web.wasm
mkdir -p "$site/data"
cp datasets/fashion-mnist/*.gz "$site/data/"
# A missing file or anchor of an {{#include}}, or math KaTeX cannot parse, fails the build.
log=$(mktemp)
mdbook build docs 2>&1 | tee "$log"
# (mdbook-katex 0.9.4 was built against mdbook 0.4.48 and says so; that note is harmless.)
if grep -E "ERROR|WARN|Unable to|ParseError" "$log" | grep -v "was built against mdbook"; then
    echo "docs/playground.sh: mdbook reported the problems above" >&2
    exit 1
fi
wasm="docs/book/playground/pkg/d2l_web_bg.wasm"
echo "wasm: $(stat -c %s "$wasm") bytes, $(gzip -9 -c "$wasm" | wc -c) bytes gzip-compressed"

if [[ "${1:-}" == serve ]]; then
    echo "serving http://127.0.0.1:8000/playground.html (Ctrl-C stops)"
    exec python3 -m http.server 8000 --bind 127.0.0.1 --directory docs/book
fi
