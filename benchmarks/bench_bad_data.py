"""Time every case of tests/bad_data/ and report its peak memory.

    python benchmarks/bench_bad_data.py

Each case is built as the test suite builds it and `meetings validate` (or the
case's command) runs once in its own process; the table gives wall time, peak
resident memory and exit status, and flags any case over 2 seconds.
Measurement, not a test.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from test_bad_data import FOLDERS, build, read_case


def main() -> None:
    if sys.argv[1:2] == ["--build"]:  # building in a child keeps this process small,
        build(Path(sys.argv[2]), Path(sys.argv[3]))  # so children's peak memory is their own
        return
    slowest = 0.0
    print(f"{'case':<22} {'seconds':>8} {'peak MiB':>9} {'exit':>5}")
    for folder in FOLDERS:
        spec = read_case(folder)
        with tempfile.TemporaryDirectory() as scratch:
            root = Path(scratch) / "data"
            subprocess.run(
                [sys.executable, __file__, "--build", str(folder), str(root)], check=True
            )
            words = str(spec["command"]).split()
            args = ["validate", "."] if words == ["validate"] else ["--data", ".", *words]
            env = {**os.environ, "MEETINGS_CACHE_DIR": str(Path(scratch) / "cache")}
            started = time.perf_counter()
            process = subprocess.Popen(
                [sys.executable, "-m", "meetings_cli", *args],
                cwd=root,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - started
        slowest = max(slowest, seconds)
        flag = "  over 2 s" if seconds > 2 else ""
        print(
            f"{folder.name:<22} {seconds:>8.2f} {usage.ru_maxrss / 1024:>9.0f} "
            f"{os.waitstatus_to_exitcode(status):>5}{flag}"
        )
    print(f"slowest: {slowest:.2f} s over {len(FOLDERS)} cases")


if __name__ == "__main__":
    main()
