"""A trial of each kind of the crash and concurrency suite, on one generated dataset
(tests/crash_suite.py runs as many as asked: `python tests/crash_suite.py --trials 20`)."""

from __future__ import annotations

import random

import pytest
from crash_suite import KINDS, Failed, run_suite


def test_a_random_trial_of_each_kind_passes() -> None:
    seed = random.randrange(1 << 30)
    said: list[str] = []
    try:
        run_suite(KINDS, trials=1, meetings=300, seed=seed, say=said.append)
    except Failed as failure:
        pytest.fail(f"seed {seed}: {failure}\n" + "\n".join(said))
    assert [line.split(":")[0] for line in said[1:-1]] == list(KINDS)
    assert said[-1] == "cache clear: nothing left"
