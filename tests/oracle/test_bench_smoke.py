"""The issue 7 benchmark (bench/compare.py) in its short smoke form: it must run both runtimes on a real model at
1 and 2 threads and print a ratio row for each. The full run is by hand (docs/performance.md)."""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_compare_smoke(tmp_path):
    out = tmp_path / "perf.md"
    proc = subprocess.run(
        [sys.executable, os.path.join(ROOT, "bench", "compare.py"), "--smoke", "--models-dir", str(tmp_path),
         "--out", str(out)],
        capture_output=True, text=True, timeout=600, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = re.findall(r"^hand_landmark_lite\s+(\d)T\s+latency ([\d.]+) / ([\d.]+) ms = ([\d.]+)x", proc.stdout, re.M)
    assert [r[0] for r in rows] == ["1", "2"], proc.stdout
    for _, sigrun_ms, litert_ms, ratio in rows:
        assert float(sigrun_ms) > 0 and float(litert_ms) > 0
        assert abs(float(ratio) - float(sigrun_ms) / float(litert_ms)) < 0.01
    text = out.read_text()
    assert "## sigrun vs LiteRT (issue 7)" in text and "| hand_landmark_lite | 2 |" in text
