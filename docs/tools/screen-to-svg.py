#!/usr/bin/env python3
"""Renders a terminal screen captured with `tmux capture-pane -e -p` (text with ANSI SGR
colour codes) as an SVG image: one monospace line per row, colours and bold kept.

    python3 docs/tools/screen-to-svg.py < screen.txt > screen.svg
"""
import html
import re
import sys

PALETTE = ["#1d1f21", "#cc6666", "#b5bd68", "#f0c674", "#81a2be", "#b294bb", "#8abeb7", "#c5c8c6"]
BRIGHT = ["#666666", "#d54e53", "#b9ca4a", "#e7c547", "#7aa6da", "#c397d8", "#70c0b1", "#eaeaea"]
FG, BG = "#c5c8c6", "#1d1f21"
CHAR_W, LINE_H, FONT = 8.4, 17, 14


def xterm256(n):
    if n < 8:
        return PALETTE[n]
    if n < 16:
        return BRIGHT[n - 8]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return "#%02x%02x%02x" % (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + 10 * (n - 232)
    return "#%02x%02x%02x" % (v, v, v)


def spans(line):
    """Splits a line into (text, style) runs."""
    style = {"fg": FG, "bg": None, "bold": False, "dim": False, "reverse": False}
    out = []
    for part in re.split(r"(\x1b\[[0-9;]*m)", line):
        if not part.startswith("\x1b["):
            if part:
                out.append((part, dict(style)))
            continue
        codes = [int(c) if c else 0 for c in part[2:-1].split(";")]
        i = 0
        while i < len(codes):
            c = codes[i]
            if c == 0:
                style = {"fg": FG, "bg": None, "bold": False, "dim": False, "reverse": False}
            elif c == 1:
                style["bold"] = True
            elif c == 2:
                style["dim"] = True
            elif c == 7:
                style["reverse"] = True
            elif c in (22,):
                style["bold"] = style["dim"] = False
            elif c == 27:
                style["reverse"] = False
            elif 30 <= c <= 37:
                style["fg"] = PALETTE[c - 30]
            elif 90 <= c <= 97:
                style["fg"] = BRIGHT[c - 90]
            elif c == 39:
                style["fg"] = FG
            elif 40 <= c <= 47:
                style["bg"] = PALETTE[c - 40]
            elif c == 49:
                style["bg"] = None
            elif c in (38, 48) and i + 2 < len(codes) and codes[i + 1] == 5:
                style["fg" if c == 38 else "bg"] = xterm256(codes[i + 2])
                i += 2
            i += 1
    return out


def main():
    lines = sys.stdin.read().rstrip("\n").split("\n")
    width = max(len(re.sub(r"\x1b\[[0-9;]*m", "", l)) for l in lines)
    w, h = int(width * CHAR_W + 20), int(len(lines) * LINE_H + 20)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">',
        f'<rect width="100%" height="100%" fill="{BG}" rx="6"/>',
        f'<g font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="{FONT}px" xml:space="preserve">',
    ]
    for row, line in enumerate(lines):
        y = 10 + (row + 1) * LINE_H - 4
        col = 0
        for text, s in spans(line):
            fg, bg = s["fg"], s["bg"]
            if s["reverse"]:
                fg, bg = (bg or BG), fg
            x = 10 + col * CHAR_W
            if bg:
                out.append(f'<rect x="{x:.1f}" y="{y - LINE_H + 4}" width="{len(text) * CHAR_W:.1f}" height="{LINE_H}" fill="{bg}"/>')
            weight = ' font-weight="bold"' if s["bold"] else ""
            opacity = ' opacity="0.6"' if s["dim"] else ""
            # Each word at its own column, fitted to its cells: browsers' monospace fonts
            # differ in width, and runs of spaces would be collapsed or stretched.
            for word in re.finditer(r"\S+", text):
                wx = x + word.start() * CHAR_W
                width = len(word.group()) * CHAR_W
                out.append(
                    f'<text x="{wx:.1f}" y="{y}" fill="{fg}"{weight}{opacity} '
                    f'textLength="{width:.1f}" lengthAdjust="spacingAndGlyphs">{html.escape(word.group())}</text>'
                )
            col += len(text)
    out.append("</g></svg>")
    print("\n".join(out))


if __name__ == "__main__":
    main()
