"""Issue 22, item 5: words are found in an article in one pass, not a search per word.

`verbatim.Needles` answers as `word in text` does, for every word at once; `validate`
reports the same problems, at the same places, whichever way a text is searched.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from conftest import DATA, Invoke, examples
from hypothesis import given, settings
from hypothesis import strategies as st

from meetings_cli import verbatim
from meetings_cli.verbatim import Needles

ALPHABETS = st.sampled_from(["ab", "abc", "aé ’", "xyz."])


@st.composite
def words_and_text(draw: st.DrawFn) -> tuple[list[str], str]:
    alphabet = draw(ALPHABETS)
    words = draw(st.lists(st.text(alphabet, max_size=7), min_size=1, max_size=25))
    return words, draw(st.text(alphabet, max_size=80))


@settings(max_examples=examples(300), deadline=None)
@given(words_and_text())
def test_the_automaton_finds_what_a_search_per_word_finds(case: tuple[list[str], str]) -> None:
    words, text = case
    expected = {word for word in words if word in text}
    assert (
        verbatim._Automaton([w for w in words if w]).found_in(text) | ({""} & set(words))
        == expected
    )
    needles = Needles(words)
    assert needles.occurring_in(text) == expected
    assert needles.occurring_in(text, words[:3]) == {w for w in words[:3] if w in text}


def test_overlapping_nested_and_repeated_words_are_each_found() -> None:
    words = ["he", "she", "his", "hers", "ushers", "s", "x", "shes"]
    found = verbatim._Automaton(words).found_in("ushers and his shes")
    assert found == {w for w in words if w in "ushers and his shes"} == set(words) - {"x"}
    # A text that repeats nested words: every word ending at a place is found once.
    nested = [("a" * n) for n in range(1, 300)] + ["b"]
    assert verbatim._Automaton(nested).found_in("a" * 100_000) == set(nested[:-1])


def test_one_pass_is_taken_where_a_search_per_word_would_cost_more() -> None:
    rng = random.Random(1)
    words = [f"Name {n:06d}" for n in rng.sample(range(10**6), 2_000)]
    text = "filler words " * 40_000 + " ".join(words[::2])  # half of them, at the end
    few = Needles(words[1:7:2])
    assert few.occurring_in(text) == set() and few._automaton is None  # three searches
    many = Needles(words)
    assert many.occurring_in(text) == set(words[::2])
    assert many._automaton is not None  # one pass
    assert many.occurring_in("short", words) == set()  # a short text: searched


# --------------------------------------------------------------------------- validate


def spelling_dataset(
    root: Path, people: int = 300, spellings: int = 8, *, gaps: bool = True
) -> int:
    """People with many spellings and descriptions, all in one long article but (with gaps)
    a third of the spellings and one description each: how many are missing."""
    shutil.copytree(DATA, root)
    (root / "extra").mkdir()
    letters = "abcdefghijklmnopqrstuvwxyz"

    def name(n: int) -> str:
        return "Q" + letters[n // 26 % 26] + letters[n % 26] + "x"

    present, lines, missing = [], ["people:"], 0
    for p in range(people):
        spelt = [f"Spelt {name(p)} {name(s)}" for s in range(spellings)]
        described = [f"the delegate {name(p)}", f"the envoy {name(p)}"]
        kept = [s for n, s in enumerate(spelt) if (p + n) % 3 or not gaps]
        kept += described if not gaps else [described[p % 2]]
        present += kept
        missing += len(spelt) + len(described) - len(kept)
        lines += [
            f"  - id: spelt-{p:04d}",
            f"    name: {spelt[1]}",
            f"    short_name: {name(p)}",
            "    country: Chad",
            "    role: Delegate",
            f"    spellings: [{', '.join(spelt)}]",
            "    stated_as:",
            *(f"      - {{text: {d}, source: big}}" for d in described),
        ]
    (root / "extra" / "people.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = "The delegations met and talked at length. " * 20_000 + " ".join(present)
    (root / "sources" / "big.txt").write_text(text, encoding="utf-8")
    (root / "extra" / "sources.yaml").write_text(
        "sources:\n  - {id: big, file: sources/big.txt, outlet: Wire, title: Big}\n",
        encoding="utf-8",
    )
    return missing


def test_validate_reports_the_same_problems_searched_either_way(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "data"
    missing = spelling_dataset(root)
    one_pass = cli("--no-cache", "--data", str(root), "validate")
    monkeypatch.setattr(verbatim, "_PASS_COST", float("inf"))  # a search per word, always
    searched = cli("--no-cache", "--data", str(root), "validate")
    assert one_pass.exit_code == searched.exit_code == 2
    assert one_pass.stderr == searched.stderr
    lines = one_pass.stderr.splitlines()
    assert lines[0].endswith(
        "extra/people.yaml:7:17: people[0].spellings[0]: not found verbatim in any source:"
        " 'Spelt Qaax Qaax'"
    )
    assert any("stated_as[1].text: not found verbatim in big:" in line for line in lines)
    assert lines[-1] == f"... and {missing - 1_000:,} more problems"


def test_a_valid_dataset_validates(cli: Invoke, tmp_path: Path) -> None:
    spelling_dataset(tmp_path / "data", people=100, spellings=5, gaps=False)
    result = cli("--no-cache", "--data", str(tmp_path / "data"), "validate")
    assert result.exit_code == 0, result.stderr
