"""compare.py — sigrun against ai_edge_litert (its default XNNPACK CPU delegate) on the issue 7 models.

    python bench/compare.py [--models NAME,...] [--threads 1,2] [--runs N] [--first-runs N]
                            [--models-dir DIR] [--out docs/performance.md] [--png docs/performance.png] [--smoke]

For every model and thread count, in one process, both interpreters are created over the same file with the
same num_threads and the same inputs, warmed up, then invoked alternately (sigrun, LiteRT, sigrun, ...) so
that machine noise falls on both sides alike; the table gives medians and the ratio sigrun / LiteRT (below 1
means sigrun is faster). First invoke (load + allocate + first run) and peak memory are measured in fresh
processes, one per runtime and repetition, alternating: peak memory is the process's VmHWM minus its VmRSS
just before the model was loaded (after both runtimes and numpy were imported). The section "## sigrun vs
LiteRT (issue 7)" of --out is replaced (or appended) and --png gets a bar chart of the ratios.

--smoke runs one small model with few repetitions and writes nothing unless --out is given (CI runs it).
"""
import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
SECTION = "## sigrun vs LiteRT (issue 7)"


def _rss_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _inputs(details, seed=0):
    import numpy as np

    rng = np.random.default_rng(seed)
    out = {}
    for d in details:
        shape, dtype = tuple(int(s) for s in d["shape"]), d["dtype"]
        if dtype == np.float32:
            out[d["index"]] = rng.uniform(-1, 1, shape).astype(np.float32)
        elif dtype in (np.int8, np.uint8, np.int16):
            info = np.iinfo(dtype)
            out[d["index"]] = rng.integers(info.min, info.max + 1, shape).astype(dtype)
        elif dtype == np.bool_:
            out[d["index"]] = rng.integers(0, 2, shape).astype(np.bool_)
        else:
            out[d["index"]] = rng.integers(0, 100, shape).astype(dtype)
    return out


def _interpreter(runtime, path, threads):
    if runtime == "sigrun":
        import sigrun

        return sigrun.Interpreter(model_path=path, num_threads=threads)
    from ai_edge_litert.interpreter import Interpreter

    return Interpreter(model_path=path, num_threads=threads)


def _ready(runtime, path, threads):
    interp = _interpreter(runtime, path, threads)
    interp.allocate_tensors()
    for index, value in _inputs(interp.get_input_details()).items():
        interp.set_tensor(index, value)
    return interp


def first_invoke(runtime, path, threads):
    """Runs in a fresh process: load + allocate + first invoke, and the peak memory it took."""
    import numpy  # noqa: F401  (imported before the baseline, by both runtimes alike)
    import sigrun  # noqa: F401
    from ai_edge_litert.interpreter import Interpreter  # noqa: F401

    numpy.random.default_rng(0).uniform(size=1)  # numpy.random loads lazily (~10 ms): not part of either runtime

    base = _rss_kib("VmRSS")
    start = time.perf_counter()
    interp = _try_ready(runtime, path, threads)
    if interp is None:
        return {"refused": True}
    interp.invoke()
    first_ms = (time.perf_counter() - start) * 1e3
    for _ in range(3):
        interp.invoke()
    return {"first_ms": first_ms, "peak_kib": _rss_kib("VmHWM") - base}


def _try_ready(runtime, path, threads):
    """The ready interpreter, or None when the runtime refuses the model (LiteRT refuses person_detect)."""
    try:
        return _ready(runtime, path, threads)
    except (ValueError, RuntimeError):
        if runtime == "sigrun":
            raise
        return None


def steady(path, threads, runs, warmup):
    """Median ms per invoke of each runtime, alternating invokes; a runtime that refuses the model is left out."""
    sides = {rt: _try_ready(rt, path, threads) for rt in ("sigrun", "litert")}
    sides = {rt: interp for rt, interp in sides.items() if interp is not None}
    times = {rt: [] for rt in sides}
    for _ in range(warmup):
        for interp in sides.values():
            interp.invoke()
    for _ in range(runs):
        for rt, interp in sides.items():
            t = time.perf_counter()
            interp.invoke()
            times[rt].append((time.perf_counter() - t) * 1e3)
    return {rt: {"median_ms": statistics.median(v), "min_ms": min(v)} for rt, v in times.items()}


def fresh(runtime, path, threads):
    cmd = [sys.executable, os.path.abspath(__file__), "--child", runtime, path, str(threads)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(name, path, threads_list, runs, warmup, first_runs, log):
    rows = []
    for threads in threads_list:
        st = steady(path, threads, runs, warmup)
        firsts = {"sigrun": [], "litert": []}
        for _ in range(first_runs):
            for rt in firsts:
                firsts[rt].append(fresh(rt, path, threads))
        row = {"model": name, "threads": threads}
        if "litert" not in st:
            row["sigrun"] = {
                "median_ms": st["sigrun"]["median_ms"],
                "min_ms": st["sigrun"]["min_ms"],
                "first_ms": statistics.median(f["first_ms"] for f in firsts["sigrun"]),
                "peak_kib": statistics.median(f["peak_kib"] for f in firsts["sigrun"]),
            }
            row["litert"] = None
            log("%-28s %dT  latency %.3f ms (LiteRT refuses the model)   first %.1f ms   peak %d KiB"
                % (name, threads, row["sigrun"]["median_ms"], row["sigrun"]["first_ms"], row["sigrun"]["peak_kib"]))
            rows.append(row)
            continue
        for rt in ("sigrun", "litert"):
            row[rt] = {
                "median_ms": st[rt]["median_ms"],
                "min_ms": st[rt]["min_ms"],
                "first_ms": statistics.median(f["first_ms"] for f in firsts[rt]),
                "peak_kib": statistics.median(f["peak_kib"] for f in firsts[rt]),
            }
        for key in ("median_ms", "first_ms", "peak_kib"):
            row["ratio_" + key] = row["sigrun"][key] / row["litert"][key] if row["litert"][key] > 0 else float("nan")
        log(
            "%-28s %dT  latency %.3f / %.3f ms = %.2fx   first %.1f / %.1f ms = %.2fx   peak %d / %d KiB = %.2fx"
            % (
                name, threads, row["sigrun"]["median_ms"], row["litert"]["median_ms"], row["ratio_median_ms"],
                row["sigrun"]["first_ms"], row["litert"]["first_ms"], row["ratio_first_ms"],
                row["sigrun"]["peak_kib"], row["litert"]["peak_kib"], row["ratio_peak_kib"],
            )
        )
        rows.append(row)
    return rows


def table(rows):
    lines = [
        "| model | threads | sigrun ms | LiteRT ms | latency ratio | first invoke sigrun / LiteRT ms | ratio "
        "| peak memory sigrun / LiteRT KiB | ratio |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        s, l = r["sigrun"], r["litert"]
        if l is None:
            lines.append("| %s | %d | %.3f | refuses the file | - | %.1f / - | - | %d / - | - |"
                         % (r["model"], r["threads"], s["median_ms"], s["first_ms"], s["peak_kib"]))
            continue
        lines.append(
            "| %s | %d | %.3f | %.3f | **%.2fx** | %.1f / %.1f | %.2fx | %d / %d | %.2fx |"
            % (r["model"], r["threads"], s["median_ms"], l["median_ms"], r["ratio_median_ms"], s["first_ms"],
               l["first_ms"], r["ratio_first_ms"], s["peak_kib"], l["peak_kib"], r["ratio_peak_kib"])
        )
    return "\n".join(lines)


def machine():
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%d CPUs (%s), %s %s" % (os.cpu_count() or 0, cpu, platform.system(), platform.release())


def write_section(out, text, section=SECTION):
    """Replaces the part of `out` from the heading `section` to the next "## " heading with text (or appends)."""
    old = open(out).read() if os.path.exists(out) else "# Performance\n"
    if section in old:
        start = old.index(section)
        nxt = old.find("\n## ", start + len(section))
        old = old[:start] + text + (old[nxt + 1:] if nxt >= 0 else "")
    else:
        old = old.rstrip("\n") + "\n\n" + text
    with open(out, "w") as f:
        f.write(old if old.endswith("\n") else old + "\n")


def chart(rows, png):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in rows if r["litert"] is not None]
    labels = ["%s %dT" % (r["model"], r["threads"]) for r in rows]
    keys = [("ratio_median_ms", "latency"), ("ratio_first_ms", "first invoke"), ("ratio_peak_kib", "peak memory")]
    fig, ax = plt.subplots(figsize=(max(8, len(rows) * 0.7), 5))
    width = 0.27
    for k, (key, label) in enumerate(keys):
        ax.bar([i + (k - 1) * width for i in range(len(rows))], [r[key] for r in rows], width, label=label)
    for y, style in ((0.8, "--"), (0.5, ":"), (1.0, "-")):
        ax.axhline(y, color="grey", linestyle=style, linewidth=0.8)
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels(labels, rotation=60, ha="right", fontsize=8)
    ax.set_ylabel("sigrun / LiteRT (lower is better)")
    ax.set_yscale("log")
    ax.legend()
    ax.set_title("sigrun vs ai_edge_litert (XNNPACK), same machine and threads")
    fig.tight_layout()
    fig.savefig(png, dpi=110)


def main(argv):
    if argv[:1] == ["--child"]:
        print(json.dumps(first_invoke(argv[1], argv[2], int(argv[3]))))
        return 0
    import models

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--models", default=",".join(models.ORDER))
    p.add_argument("--threads", default="1,2")
    p.add_argument("--runs", type=int, default=30)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--first-runs", type=int, default=3)
    p.add_argument("--models-dir", default=os.path.join(ROOT, "build-bench", "bench-models"))
    p.add_argument("--out")
    p.add_argument("--png")
    p.add_argument("--smoke", action="store_true")
    a = p.parse_args(argv)
    if a.smoke:
        a.models, a.threads, a.runs, a.warmup, a.first_runs = "hand_landmark_lite", "1,2", 3, 1, 1
    names = [n for n in a.models.split(",") if n]
    threads = [int(t) for t in a.threads.split(",")]
    rows, missing = [], []
    for name in names:
        path = models.build(name, a.models_dir, log=lambda m: print(m, file=sys.stderr))
        if path is None:
            missing.append(name)
            continue
        rows += measure(name, path, threads, a.runs, a.warmup, a.first_runs, print)
    if missing:
        print("missing models (not found): " + ", ".join(missing), file=sys.stderr)
    if a.out:
        import sigrun

        cmd = "python bench/compare.py " + " ".join(argv)
        text = "\n".join([
            SECTION,
            "",
            "Measured by `%s` on %s (sigrun %s, ai_edge_litert with its default XNNPACK delegate);"
            % (cmd.strip(), datetime.date.today().isoformat(), getattr(sigrun, "__version__", "?")),
            "machine: %s. Latency: median of %d alternating invokes after %d warm-ups, same process, same inputs,"
            % (machine(), a.runs, a.warmup),
            "same num_threads. First invoke and peak memory: median of %d fresh processes per runtime." % a.first_runs,
            "Ratios are sigrun / LiteRT: below 1.00x sigrun is faster or smaller.",
            "",
            table(rows),
            "",
        ])
        write_section(a.out, text)
    if a.png and rows:
        chart(rows, a.png)
    return 0 if rows else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
