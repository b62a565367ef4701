#!/usr/bin/env python3
"""Gathers the final numbers of several runs of one chapter binary into a Markdown table.

    docs/tools/runs-table.py FOLDER RUN…

Each RUN is a run folder under FOLDER (written by `<binary> --out FOLDER/RUN …`). The table,
FOLDER/table.md, has one row per run, in the order given: the run's name, the flags it was
given beyond the seed and the output folder (from its config.json; none: the book's setup),
and its final train loss, train accuracy, test accuracy and the gap between the two
accuracies (from its summary.json).
docs/regenerate.sh writes the exercise tables of 4.3 and 4.6 with it.
"""
import json
import pathlib
import sys


def flags(config):
    """The flags a run was given, without --seed, --quiet and --out and their values."""
    argv, kept, skip = config["argv"], [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg in ("--seed", "--out"):
            skip = True
        elif arg != "--quiet":
            kept.append(arg)
    return " ".join(kept)


def main():
    folder, runs = pathlib.Path(sys.argv[1]), sys.argv[2:]
    rows = [
        "| run | flags | train loss | train acc | test acc | train − test acc |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for run in runs:
        summary = json.loads((folder / run / "summary.json").read_text())
        config = json.loads((folder / run / "config.json").read_text())
        gap = summary["train_acc"] - summary["test_acc"]
        given = flags(config)
        rows.append(
            f"| {run} | {f'`{given}`' if given else 'the book’s'} | {summary['train_loss']:.4f} | "
            f"{summary['train_acc']:.4f} | {summary['test_acc']:.4f} | {gap:+.4f} |"
        )
    (folder / "table.md").write_text("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
