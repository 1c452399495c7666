"""A few trials of each kind of the crash and concurrency suite (tests/crash_suite.py runs
as many as asked: `python tests/crash_suite.py --trials 20`)."""

from __future__ import annotations

import random

import pytest
from crash_suite import KINDS, Failed, run_suite


@pytest.mark.parametrize("kind", KINDS)
def test_a_few_random_trials_pass(kind: str) -> None:
    seed = random.randrange(1 << 30)
    said: list[str] = []
    try:
        run_suite([kind], trials=2, meetings=1500, seed=seed, say=said.append)
    except Failed as failure:
        pytest.fail(f"seed {seed}: {failure}\n" + "\n".join(said))
    assert said[-1] == "cache clear: nothing left"
