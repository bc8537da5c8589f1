"""A pytest plugin that records, over every oracle comparison (oracle.assert_outputs_close), how many calls were
compared and the largest float difference relative to each output's scale (max(1, max|ref|)). Used for closing
notes:  cd tests/oracle && PYTHONPATH=<package>:../../tools/dev python -m pytest <files> -p max_diff_plugin -s
"""
import atexit, numpy as np
stats = {"calls": 0, "max_rel": 0.0, "max_abs": 0.0, "where": "", "int_outputs": 0, "float_outputs": 0}
def pytest_configure(config):
    import oracle
    orig = oracle.assert_outputs_close
    def wrapped(ref, got, rtol=1e-5, atol=1e-6, context=""):
        stats["calls"] += 1
        for k in ref:
            r, g = np.asarray(ref[k]), np.asarray(got[k])
            if r.dtype.kind == "f" and r.shape == g.shape and r.size:
                stats["float_outputs"] += 1
                d = np.abs(g.astype(np.float64) - r.astype(np.float64))
                scale = max(1.0, float(np.max(np.abs(r))))
                rel = float(np.max(d)) / scale
                if rel > stats["max_rel"]:
                    stats["max_rel"], stats["where"] = rel, f"{context} {k}"
                stats["max_abs"] = max(stats["max_abs"], float(np.max(d)))
            else:
                stats["int_outputs"] += 1
        return orig(ref, got, rtol, atol, context)
    oracle.assert_outputs_close = wrapped
    import state_models
    state_models.oracle.assert_outputs_close = wrapped
def pytest_unconfigure(config):
    print("\nMEASURE", stats)
