"""The validator under hostile input: real nesting only, every tag and alias refused,
unsafe characters refused with an escape, problems cut to a readable count."""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from meetings_cli.errors import MAX_PROBLEMS, DataError, Problem
from meetings_cli.load import MAX_DEPTH, FileReader, did_you_mean


def read(tmp_path: Path, text: str) -> list[str]:
    """Every problem FileReader finds in one file holding text, as printed."""
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    reader = FileReader(path, "x.yaml")
    found = [p for record in reader.records() for p in record.problems]
    # A file that cannot be parsed is reported alone (as the store does).
    return [str(p) for p in ([] if reader.unreadable else found) + reader.problems]


def topic(description: str) -> str:
    return f"topics:\n  - id: t\n    description: {description}\n"


# --------------------------------------------------------------------------- nesting


@pytest.mark.parametrize("depth", [MAX_DEPTH - 2, MAX_DEPTH - 1])
def test_nesting_up_to_the_limit_is_read(tmp_path: Path, depth: int) -> None:
    # The file's mapping and the topics list are two levels: depth more makes MAX_DEPTH + 1.
    nested = "[" * depth + "]" * depth
    lines = read(tmp_path, f"topics: [{{id: t, description: {nested}}}]\n")
    too_deep = "nested more than"
    assert (too_deep in " ".join(lines)) == (depth + 3 > MAX_DEPTH)


def test_block_nesting_past_the_limit_is_refused_where_it_passes_it(tmp_path: Path) -> None:
    text = "topics:\n" + "".join("  " * i + "-\n" for i in range(1, 2_000))
    assert read(tmp_path, text) == [
        f"x.yaml:{MAX_DEPTH + 1}:{2 * MAX_DEPTH + 1}: (file): "
        f"nested more than {MAX_DEPTH} levels deep"
    ]


def test_libyaml_own_depth_limit_is_a_problem_line(tmp_path: Path) -> None:
    # libyaml 0.2.6 refuses flow nesting past 1,000 levels while scanning ahead,
    # before the composer sees the 101st level.
    (line,) = read(tmp_path, "topics: " + "[" * 50_000 + "]" * 50_000 + "\n")
    assert line.startswith("x.yaml:1:") and line.endswith(
        f"(file): nested more than {MAX_DEPTH} levels deep"
    )


@pytest.mark.parametrize(
    "description",
    [
        "a " + "[" * 500 + " b " + "{" * 500,
        '"' + "- " * 500 + 'end"',
        "|\n      first\n" + " " * 2_000 + "deep\n      last",
        ">\n      " + "- " * 500,
        "'" + "[{" * 500 + "'",
    ],
    ids=["brackets", "dash-pairs", "deep-literal-line", "folded-dashes", "single-quoted"],
)
def test_text_that_looks_nested_is_valid(tmp_path: Path, description: str) -> None:
    assert read(tmp_path, topic(description)) == []


# --------------------------------------------------------------------------- tags and aliases


@pytest.mark.parametrize(
    "tag", ["!!null", "!!str", "!!int", "!custom", "!", "!!binary", "!!timestamp", "!!float"]
)
def test_an_explicit_tag_on_text_is_refused(tmp_path: Path, tag: str) -> None:
    assert read(tmp_path, topic(f"{tag} 2018")) == [
        f"x.yaml:3:18: topics[0].description: the YAML tag {tag} is not allowed"
    ]


@pytest.mark.parametrize("value", ["!!set {a, b}", "!!omap [a: 1]", "!!seq [a]", "!!map {a: b}"])
def test_an_explicit_tag_on_a_collection_is_refused(tmp_path: Path, value: str) -> None:
    tag = value.split()[0]
    assert read(tmp_path, topic(value)) == [
        f"x.yaml:3:18: topics[0].description: the YAML tag {tag} is not allowed"
    ]


def test_an_explicit_null_on_an_optional_field_keeps_nothing_silently(tmp_path: Path) -> None:
    text = "sources:\n  - id: s\n    file: a.txt\n    notes: !!null kept?\n"
    assert read(tmp_path, text) == [
        "x.yaml:4:12: sources[0].notes: the YAML tag !!null is not allowed"
    ]


def test_a_plain_null_on_an_optional_field_is_still_nothing(tmp_path: Path) -> None:
    assert read(tmp_path, "sources:\n  - id: s\n    file: a.txt\n    notes: ~\n") == []


def test_tagged_top_level_values_are_refused(tmp_path: Path) -> None:
    text = "topics: !!seq\n  - {id: t, description: d}\ncontext: !!null\n"
    assert read(tmp_path, text) == [
        "x.yaml:1:9: topics: the YAML tag !!seq is not allowed",
        "x.yaml:3:10: context: the YAML tag !!null is not allowed",
    ]


def test_an_alias_as_a_key_is_refused(tmp_path: Path) -> None:
    text = "topics:\n  - &k id: t\n    description: d\n  - *k : u\n    description: e\n"
    assert read(tmp_path, text) == [
        "x.yaml:2:5: topics[1]: YAML aliases are not supported: this repeats the value "
        "anchored here; write it out in full",
        "x.yaml:4:5: topics[1].id: missing required field",
    ]


def test_an_alias_as_a_top_level_key_is_refused(tmp_path: Path) -> None:
    text = "&k topics:\n  - {id: t, description: d}\n*k : []\n"
    assert read(tmp_path, text) == [
        "x.yaml:1:1: YAML aliases are not supported: this repeats the value anchored here; "
        "write it out in full"
    ]


def test_a_required_list_left_null_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    text = (
        "meetings:\n  - {id: m, title: t, date: {day: 2018-01-01, basis: stated, how: h},"
        " location: l, kind: bilateral-talks, participants: ~, topics: [], summary: s,"
        " sources: ~}\n"
    )
    assert read(tmp_path, text) == [
        "x.yaml:2:121: meetings[0].participants: must not be empty (null)",
        "x.yaml:2:157: meetings[0].sources: must not be empty (null)",
    ]


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("9" * 5_000, "9" * 59 + "… is outside 1900..2100"),
        ("-" + "9" * 5_000, "-" + "9" * 58 + "… is outside 1900..2100"),
        ("1" + "_000" * 2_000, "write the number plainly: YAML 1.1 reads '1_000_000_000_000"),
        ("0x" + "f" * 5_000, "write the number plainly: YAML 1.1 reads '0xffffffff"),
        ("1" + ":59" * 5_000, "write the number plainly: YAML 1.1 reads '1:59:59:59:59"),
    ],
)
def test_a_huge_year_is_a_problem_line(tmp_path: Path, value: str, message: str) -> None:
    text = (
        f"events:\n  - {{id: e, name: n, short_name: s, year: {value}, location: l, sources: [s]}}"
    )
    (line,) = read(tmp_path, text + "\n")
    assert line.startswith(f"x.yaml:2:43: events[0].year: {message}")
    assert len(line) < 200


@pytest.mark.parametrize("value", ["1" + "_000" * 2_000, "7" * 5_000, "1" + ":59" * 5_000])
def test_a_huge_number_where_text_belongs_is_a_problem_line(tmp_path: Path, value: str) -> None:
    (line,) = read(tmp_path, topic(value))
    assert line.startswith("x.yaml:3:18: topics[0].description: expected text, got a number")
    assert len(line) < 250


# --------------------------------------------------------------------------- characters


BIDI = [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]
C1 = [chr(c) for c in range(0x80, 0xA0)]


@pytest.mark.parametrize("character", BIDI + C1, ids=lambda c: f"U+{ord(c):04X}")
def test_c1_and_bidi_controls_are_refused_in_any_text(tmp_path: Path, character: str) -> None:
    escape = f"\\u{ord(character):04x}"
    (line,) = read(tmp_path, topic(f'"a {escape} b"'))
    assert line.startswith(f"x.yaml:3:18: topics[0].description: U+{ord(character):04X} (")
    assert character not in line


INVISIBLE = ["\u200b", "\u200d", "\u2060", "\ufeff", "\u180e", "\u00ad", "\u200e", "\U000e0041"]


@pytest.mark.parametrize("character", INVISIBLE, ids=lambda c: f"U+{ord(c):04X}")
def test_invisible_characters_are_refused_in_names(tmp_path: Path, character: str) -> None:
    escape = f"\\U{ord(character):08x}"
    text = (
        f'people:\n  - {{id: p, name: "A{escape}B", short_name: B, country: C, role: R,'
        " spellings: [A B]}\n"
    )
    (line,) = read(tmp_path, text)
    assert line.startswith(f"x.yaml:2:19: people[0].name: U+{ord(character):04X} (")
    assert line.endswith(
        "is not allowed in a name: it is invisible, so names that look alike would differ"
    )
    assert character not in line
    # Outside names, the same characters are text like any other.
    assert read(tmp_path, topic(f'"A{escape}B"')) == []


def test_zero_width_non_joiner_is_kept_in_persian_names(tmp_path: Path) -> None:
    text = (
        "people:\n  - id: p\n    name: Amir Hatami\n    short_name: Hatami\n    country: Iran\n"
        "    role: R\n    spellings: [Amir Hatami]\n    native_names:\n"
        '      - {script: Persian, name: "امیر\u200cحاتمی", basis: curator}\n'
    )
    assert read(tmp_path, text) == []


def test_the_bundled_data_still_validates(tmp_path: Path) -> None:
    from meetings_cli.paths import bundled_data_dir

    result = subprocess.run(
        [sys.executable, "-m", "meetings_cli", "validate"],
        capture_output=True,
        text=True,
        cwd=tmp_path,  # not the checkout: the same package as this test imported
        env={k: v for k, v in os.environ.items() if k != "MEETINGS_DATA"},
    )
    assert result.returncode == 0
    assert result.stderr == f"meetings: validating the bundled dataset {bundled_data_dir()}\n"


# --------------------------------------------------------------------------- many problems


def test_a_record_missing_every_field_is_one_line(tmp_path: Path) -> None:
    assert read(tmp_path, "topics:\n  - {}\n  - {id: t}\n") == [
        "x.yaml:2:5: topics[0]: missing required fields: id, description",
        "x.yaml:3:5: topics[1].description: missing required field",
    ]


def test_problems_past_the_cap_are_counted() -> None:
    error = DataError(Problem("x.yaml", i + 1, 1, "", "bad") for i in range(MAX_PROBLEMS + 1_234))
    lines = error.lines()
    assert MAX_PROBLEMS == 1_000
    assert len(lines) == MAX_PROBLEMS + 1
    assert lines[-2] == "x.yaml:1000:1: bad"
    assert lines[-1] == "... and 1,234 more problems"


# --------------------------------------------------------------------------- did you mean


@pytest.mark.parametrize(
    ("word", "choices"),
    [
        ("meeting", ["sources", "people", "events", "topics", "meetings", "context"]),
        ("sergei-shoygu", ["amir-hatami", "sergei-shoigu", "sergei-lavrov"]),
        ("zzz", ["abc", "def"]),
        ("ab", ["abc", "xyz"]),
    ],
)
def test_did_you_mean_agrees_with_difflib(word: str, choices: list[str]) -> None:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    expected = f" (did you mean {close[0]!r}?)" if close else ""
    # As a list, a tuple, a mapping's keys (schema fields) and a one-pass iterator.
    for given in (choices, tuple(choices), dict.fromkeys(choices, 1), iter(choices)):
        assert did_you_mean(word, given) == expected


def test_did_you_mean_scales_to_thousands_of_choices() -> None:
    # Not timed here (benchmarks/ time it): the answers at scale are still right.
    ids = [f"person-{i:05d}-x" for i in range(5_000)]
    assert did_you_mean("person-04999-y", ids) == " (did you mean 'person-04999-x'?)"
    assert did_you_mean("zzzzzzzzzzzzzz", ids) == ""
