"""profile.py — where sigrun's time goes on the issue 7 models: `sigrun bench --profile` per model and thread
count, condensed to the op types that take most of an invoke.

    python bench/profile.py [--models NAME,...] [--threads 1,2] [--runs N] [--top N] [--models-dir DIR]
                            [--cli build/sigrun] [--out docs/performance.md]

The section "## Where sigrun's time goes (issue 7)" of --out is replaced (or appended); without --out the
table is printed. Shares are of the profiled invoke total (the profiler's clock adds a little per operator).
"""
import argparse
import datetime
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
SECTION = "## Where sigrun's time goes (issue 7)"


def profile(cli, path, threads, runs):
    """[(op type, count, ms per invoke, share %)] from `sigrun bench --profile`, and the median latency."""
    out = subprocess.run([cli, "bench", path, "--profile", "--threads", str(threads), "--runs", str(runs)],
                         capture_output=True, text=True, check=True).stdout
    median = float(re.search(r"median ([0-9.]+) ms", out).group(1))
    rows, in_table = [], False
    for line in out.splitlines():
        if line.startswith("op type"):
            in_table = True
            continue
        m = re.match(r"(\S+)\s+(\d+)\s+([0-9.]+)\s+([0-9.]+)%", line)
        if in_table and m and m.group(1) != "total":
            rows.append((m.group(1), int(m.group(2)), float(m.group(3)), float(m.group(4))))
    return rows, median


def table(models, threads, runs, top, models_dir, cli, log):
    import models as bench_models

    lines = [
        SECTION,
        "",
        f"Measured by `python bench/profile.py --threads {','.join(map(str, threads))} --runs {runs}` on "
        f"{datetime.date.today().isoformat()}: `sigrun bench MODEL --profile` per model, the {top} op types "
        "with the largest share of the profiled invoke (op type x count: ms per invoke, share).",
        "",
        "| model | threads | median ms | where the time goes |",
        "|---|---:|---:|---|",
    ]
    for name in models:
        path = bench_models.build(name, models_dir, log=log)
        if path is None:
            continue
        for t in threads:
            rows, median = profile(cli, path, t, runs)
            rows.sort(key=lambda r: -r[3])
            cells = "; ".join(f"{op} x{n}: {ms:.3f} ms, {share:.0f}%" for op, n, ms, share in rows[:top])
            lines.append(f"| {name} | {t} | {median:.3f} | {cells} |")
            log(lines[-1])
    return "\n".join(lines) + "\n"


def main(argv):
    import models as bench_models

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models", default=",".join(bench_models.ORDER))
    p.add_argument("--threads", default="1,2")
    p.add_argument("--runs", type=int, default=50)
    p.add_argument("--top", type=int, default=4)
    p.add_argument("--models-dir", default=os.path.join(ROOT, "build-bench", "bench-models"))
    p.add_argument("--cli", default=os.path.join(ROOT, "build", "sigrun"))
    p.add_argument("--out")
    a = p.parse_args(argv)
    text = table(a.models.split(","), [int(t) for t in a.threads.split(",")], a.runs, a.top, a.models_dir, a.cli,
                 lambda s: print(s, file=sys.stderr))
    if a.out:
        from compare import write_section

        write_section(a.out, text, SECTION)
    else:
        print(text)


if __name__ == "__main__":
    main(sys.argv[1:])
