#!/usr/bin/env python3
"""Side-by-side timings of d2l-rs and the book's PyTorch code on this machine, in one run, and
the page that reports them. Run it through compare.sh (which provides PyTorch).

What each figure includes: "s/epoch" is one epoch as the book's train_ch3 runs it, the
training pass (235 steps of batch 256) plus the test-accuracy pass over 10 000 images, timed
the same way on both sides (d2l-rs: timings.csv; PyTorch: book_torch.py's perf_counter around
both passes), with the data already decoded in memory; the median over the epochs of a run,
then the median over the rounds, which alternate d2l-rs and PyTorch (A B A B ...).
"""
import argparse
import csv
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = {"scratch": "mlp-scratch", "concise": "mlp-concise", "dropout": "dropout"}
TORCH = os.path.join(ROOT, "benches", "reference", "book_torch.py")
TRAIN, TEST = 60_000, 10_000


def cpu_model():
    fields = {}
    with open("/proc/cpuinfo") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields.setdefault(key.strip(), value.strip())
    model = fields.get("model name", platform.processor() or platform.machine())
    family, number = fields.get("cpu family"), fields.get("model")
    cores = os.cpu_count()
    return f"{model} (family {family}, model {number}), {cores} logical CPUs"


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT, **kw).stdout


def d2l_epoch(exp, threads, epochs, extra=()):
    """Median seconds per epoch of one d2l-rs run, from its timings.csv."""
    with tempfile.TemporaryDirectory() as out:
        run([f"target/release/{BINARY[exp]}", "--num-epochs", str(epochs), "--threads", str(threads),
             "--quiet", "--out", os.path.join(out, "run"), *extra])
        with open(os.path.join(out, "run", "timings.csv")) as f:
            rows = f.read().split()[1:]
        return statistics.median(float(r.split(",")[1]) for r in rows)


def torch_epoch(python, exp, threads, epochs):
    out = run([python, TORCH, "--exp", exp, "--threads", str(threads), "--epochs", str(epochs)])
    return statistics.median(json.loads(out)["seconds_per_epoch"])


def ns(trip):
    return f"{trip:.0f} ns" if trip is not None else "–"


def epoch_flops(widths):
    """FLOPs of one epoch: per training example, each layer's forward (2·in·out), its weight
    gradient (the same) and, beyond the first layer, its input gradient (the same again; the
    images need none); per test example, the forward."""
    layers = list(zip(widths, widths[1:]))
    fwd = sum(2 * i * o for i, o in layers)
    train = sum(2 * i * o * (2 if k == 0 else 3) for k, (i, o) in enumerate(layers))
    return TRAIN * train + TEST * fwd


def sgemm_peak(threads):
    return json.loads(run(["target/release/sgemm-peak", "--threads", str(threads)]))["gflops"]


def round_trip():
    """The cache-line round trip between two threads, in ns: where the host has placed the
    vCPUs, which two-thread timings depend on (see docs/src/performance.md)."""
    return json.loads(run(["target/release/sgemm-peak", "--round-trip"]))["round_trip_ns"]


def wall(cmd):
    start = time.perf_counter()
    run(cmd)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--python", default=sys.executable, help="a Python with PyTorch (none: d2l-rs only)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--exp", default="scratch,concise,dropout")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--widths", default="256,1024,4096")
    ap.add_argument("--layers", default="1,2")
    ap.add_argument("--write", action="store_true", help="write docs/src/generated/performance.md and the README's paragraph")
    args = ap.parse_args()
    exps = args.exp.split(",")
    threads = [int(t) for t in args.threads.split(",")]
    torch_version = None
    try:
        torch_version = run([args.python, "-c", "import torch; print(torch.__version__)"]).strip()
    except (subprocess.CalledProcessError, FileNotFoundError):
        print("PyTorch is not importable: timing d2l-rs alone (compare.sh --install provides it)")

    print("building the release binaries ...", flush=True)
    run(["cargo", "build", "--release", "-q", "-p", "mlp-scratch", "-p", "mlp-concise", "-p", "dropout",
         "-p", "d2l-benches", "--bin", "sgemm-peak"])
    cpu = cpu_model()
    rustc = run(["rustc", "--version"]).strip()
    peak = {t: sgemm_peak(t) for t in sorted(set(threads))}
    print(f"{cpu}; sgemm peak " + ", ".join(f"{p:.0f} GFLOP/s on {t} thread(s)" for t, p in peak.items()))

    widths_of = {"scratch": [784, 256, 10], "concise": [784, 256, 10], "dropout": [784, 256, 256, 10]}
    rows = []
    for exp in exps:
        for t in threads:
            ours, theirs, trips = [], [], []
            for r in range(args.rounds):
                if t > 1:
                    trips.append(round_trip())
                ours.append(d2l_epoch(exp, t, args.epochs))
                if torch_version:
                    theirs.append(torch_epoch(args.python, exp, t, args.epochs))
                print(f"{exp} {t} thread(s) round {r + 1}: d2l-rs {ours[-1]:.3f} s"
                      + (f", PyTorch {theirs[-1]:.3f} s" if theirs else "")
                      + (f" (round trip {trips[-1]:.0f} ns)" if trips else ""), flush=True)
            floor = epoch_flops(widths_of[exp]) / (peak[t] * 1e9)
            rows.append({"exp": exp, "threads": t, "ours": statistics.median(ours),
                         "theirs": statistics.median(theirs) if theirs else None, "floor": floor,
                         "trip": statistics.median(trips) if trips else None})

    sizes = []
    t = max(threads)
    for layers in [int(x) for x in args.layers.split(",")]:
        for width in [int(x) for x in args.widths.split(",")]:
            widths = [784] + [width] * layers + [10]
            trip = round_trip() if t > 1 else None
            s = d2l_epoch("scratch", t, args.epochs, ["--num-hiddens", str(width), "--num-layers", str(layers)])
            floor = epoch_flops(widths) / (peak[t] * 1e9)
            sizes.append({"width": width, "layers": layers, "seconds": s, "floor": floor, "trip": trip})
            print(f"scratch {width}x{layers}: {s:.3f} s/epoch, floor {floor:.3f} s", flush=True)

    # Overheads: an epoch of a default run as its own clock sees it, from one epoch's record
    # to the next (timings.csv's wall_seconds: the passes, progress, and handing the figure,
    # metrics.csv and the checkpoint to the writer thread), against the passes alone of a
    # --quiet run; three alternating pairs of 10-epoch runs, the median pair by that ratio;
    # and a run of one batch, process start (data decode included) to exit (the median of
    # three: now and then one run on this virtual machine spends a second in the kernel).
    pairs = []
    with tempfile.TemporaryDirectory() as out:
        for rep in range(3):
            medians = []
            for flags, column in ((["--no-wait"], "wall_seconds"), (["--quiet"], "seconds")):
                run_dir = f"{out}/r{rep}-{column}"
                run(["target/release/mlp-scratch", "--num-epochs", "10", *flags, "--out", run_dir])
                with open(f"{run_dir}/timings.csv") as f:
                    epochs = list(csv.DictReader(f))
                medians.append(statistics.median(float(e[column]) for e in epochs))
            pairs.append(tuple(medians))
        one_batch = statistics.median(
            wall(["target/release/mlp-scratch", "--num-epochs", "1", "--train-examples", "256",
                  "--quiet", "--out", f"{out}/one{rep}"]) for rep in range(3))
    per_epoch, training = sorted(pairs, key=lambda p: p[0] / p[1])[1]
    overhead = {"per_epoch": per_epoch, "training": training, "one_batch": one_batch}

    by = {(r["exp"], r["threads"]): r for r in rows}
    lines = [
        f"Measured by `benches/reference/compare.sh` on {datetime.date.today().isoformat()}: {cpu}; "
        f"{rustc}; PyTorch {torch_version or '(not installed)'} (CPU). sgemm peak (gemm, 1024³ f32, best of 30): "
        + ", ".join(f"**{p:.0f} GFLOP/s** on {t} thread(s)" for t, p in peak.items()) + ".",
        "",
        "| experiment | threads | d2l-rs s/epoch | PyTorch s/epoch | PyTorch / d2l-rs | FLOP floor | d2l-rs / floor | round trip |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        theirs = f"{r['theirs']:.3f}" if r["theirs"] else "–"
        ratio = f"**{r['theirs'] / r['ours']:.2f}×**" if r["theirs"] else "–"
        lines.append(f"| {r['exp']} | {r['threads']} | {r['ours']:.3f} | {theirs} | {ratio} | {r['floor']:.3f} | {r['ours'] / r['floor']:.2f}× | {ns(r['trip'])} |")
    if ("scratch", 1) in by and ("scratch", 2) in by:
        lines += ["", f"Scratch MLP, 2 threads against 1: **{by[('scratch', 1)]['ours'] / by[('scratch', 2)]['ours']:.2f}×** faster."]
    lines += ["", f"Cost as the work grows (scratch MLP, {t} thread(s), the median of {args.epochs} epochs each; the floor at {peak[t]:.0f} GFLOP/s):", "",
              "| hidden width | hidden layers | s/epoch | FLOP floor | against the floor | round trip |", "|---|---|---|---|---|---|"]
    for s in sizes:
        lines.append(f"| {s['width']} | {s['layers']} | {s['seconds']:.3f} | {s['floor']:.3f} | {s['seconds'] / s['floor']:.2f}× | {ns(s['trip'])} |")
    lines += ["", "Round trip: the median cache-line round trip between two threads before each "
              "two-thread run, in ns (`sgemm-peak --round-trip`): tens of ns when the two CPUs share a "
              "cache, hundreds when a virtual machine's host has placed them far apart, microseconds "
              "when one is not running. Two-thread times depend on it."]
    o = overhead
    lines += ["", f"Overheads: an epoch of a default `mlp-scratch` run takes {o['per_epoch']:.3f} s of wall-clock time "
              f"(from one epoch's record to the next: progress lines, and the training figure, `metrics.csv` and the "
              f"checkpoint handed to the thread that writes them), against {o['training']:.3f} s for the training and test "
              f"passes of a `--quiet` run: **{(o['per_epoch'] / o['training'] - 1) * 100:+.1f} %** (medians of 10 epochs, "
              f"the median of three alternating pairs of runs). "
              f"A run of one batch, process start (data decode and checksums included) to exit: **{o['one_batch']:.2f} s** "
              f"(the median of three)."]
    text = "\n".join(lines) + "\n"
    print()
    print(text)
    if args.write:
        path = os.path.join(ROOT, "docs", "src", "generated", "performance.md")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write("<!-- Written by benches/reference/compare.sh --write; do not edit. -->\n" + text)
        readme = os.path.join(ROOT, "README.md")
        with open(readme) as f:
            content = f.read()
        s1 = by.get(("scratch", max(threads)))
        summary = (f"On {cpu.split(' (')[0]} ({datetime.date.today().isoformat()}, {os.cpu_count()} CPUs), one scratch-MLP "
                   f"epoch takes {s1['ours']:.3f} s on {max(threads)} threads"
                   + (f", {s1['theirs'] / s1['ours']:.2f}× faster than the book's PyTorch code measured in the same run"
                      if s1 and s1["theirs"] else "")
                   + f", {s1['ours'] / s1['floor']:.2f}× its FLOP floor at this machine's sgemm rate"
                   + (f" (cache-line round trip between the threads: {s1['trip']:.0f} ns)" if s1 and s1["trip"] else "")
                   + ". "
                   "The table for every experiment and thread count, and the method: `docs/src/performance.md`. "
                   "To measure your machine: `benches/reference/compare.sh --install --write`.")
        content = re.sub(r"<!-- performance:begin -->.*<!-- performance:end -->",
                         "<!-- performance:begin -->\n" + summary + "\n<!-- performance:end -->", content, flags=re.S)
        with open(readme, "w") as f:
            f.write(content)
        print(f"wrote {path} and the README's paragraph")


if __name__ == "__main__":
    main()
