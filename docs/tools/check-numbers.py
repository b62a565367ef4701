#!/usr/bin/env python3
"""Every number a page of the book quotes in its prose comes from a generated file.

d2l-rs's numbers reach the pages through {{#include}} of files that docs/regenerate.sh writes
(docs/src/generated/). This check reads each page's Markdown outside code blocks, math,
includes, tables and the book's own values (a line or table row that names the book), and fails on any
decimal number with two or more decimals that no generated file contains: a number typed by
hand, which would drift from the code. Usage: docs/tools/check-numbers.py
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
SRC = ROOT / "docs" / "src"
GENERATED = SRC / "generated"
NUMBER = re.compile(r"(?<![\w.])-?\d+\.\d{2,}(?:e[-+]?\d+)?(?![\w.])")


def generated_text():
    parts = []
    for path in GENERATED.rglob("*"):
        if path.is_file() and path.suffix in {".json", ".csv", ".txt", ".md"}:
            parts.append(path.read_text(errors="replace"))
    return "\n".join(parts)


def prose_lines(text):
    """The lines of a page a reader sees as prose, with their numbers."""
    fence = False
    math = False
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("```"):
            fence = not fence
            continue
        if stripped.startswith("$$"):
            math = not math if stripped == "$$" else math
            continue
        if fence or math or "{{#include" in line or stripped.startswith("|"):
            continue
        # Inline math is derivation (constants of the setup and what follows from them).
        line = re.sub(r"\$[^$]+\$", "", line)
        # The book's own values are quoted by hand, and say so.
        if re.search(r"\bbook\b|\bBook\b|v0\.17|PyTorch", line):
            continue
        yield n, line


def main():
    known = generated_text()
    failures = []
    pages = sorted((SRC / "chapters").glob("*.md"))
    for page in pages:
        for n, line in prose_lines(page.read_text()):
            for number in NUMBER.findall(line):
                plain = number.lstrip("-")
                if plain not in known:
                    failures.append(f"{page.relative_to(ROOT)}:{n}: {number} is in no generated file")
    for f in failures:
        print(f)
    if failures:
        print(f"{len(failures)} number(s) typed by hand; include or template them from docs/src/generated/")
        sys.exit(1)
    print(f"numbers: every decimal in the prose of {len(pages)} pages comes from a generated file")


if __name__ == "__main__":
    main()
