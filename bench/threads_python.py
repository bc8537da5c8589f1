"""Python thread pool over one interpreter: does ctypes' release of the GIL give real parallelism?

Runs the same number of signature calls from 1 and from 2 ThreadPoolExecutor workers, each worker with its own
Interpreter.create_signature_runner runner on ONE interpreter, interleaved repetitions, and prints the median
throughput ratio. Usage: PYTHONPATH=<package> python bench/threads_python.py MODEL [CALLS] [REPS]
"""
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

import sigrun


def inputs_for(runner, rng):
    feed = {}
    for name, d in runner.get_input_details().items():
        shape = tuple(int(x) for x in d["shape"])
        if np.issubdtype(d["dtype"], np.floating):
            feed[name] = rng.uniform(-1, 1, shape).astype(d["dtype"])
        else:
            feed[name] = rng.integers(0, 100, shape).astype(d["dtype"])
    return feed


def run(interp, key, workers, calls, feed):
    runners = [interp.create_signature_runner(key) for _ in range(workers)]

    def work(i):
        for _ in range(calls // workers):
            runners[i](**feed)

    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(work, range(workers)))
    elapsed = time.perf_counter() - start
    for r in runners:
        r.close()
    return elapsed


def main():
    model = sys.argv[1]
    calls = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    reps = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    interp = sigrun.Interpreter(model_path=model)
    key = next(iter(interp.get_signature_list()))
    feed = inputs_for(interp.get_signature_runner(key), np.random.default_rng(0))
    run(interp, key, 2, 4, feed)  # warm-up
    one, two = [], []
    for _ in range(reps):
        one.append(run(interp, key, 1, calls, feed))
        two.append(run(interp, key, 2, calls, feed))
    t1, t2 = statistics.median(one), statistics.median(two)
    print(f"{model}: {calls} calls, median of {reps}: 1 worker {calls / t1:.1f}/s, 2 workers {calls / t2:.1f}/s, "
          f"ratio {t1 / t2:.2f}x")


if __name__ == "__main__":
    main()
