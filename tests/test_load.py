"""The loader rejects every kind of broken data with one precise line per problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import edit

from meetings_cli.errors import DataError, Problem
from meetings_cli.model import Dataset
from meetings_cli.paths import locate_dataset
from meetings_cli.store import load_dataset

SOURCE_TEXT = (
    "Minister Amir Hatami met Sergei Shoigu in Moscow on Tuesday.\n"
    "Hatami said “cooperation is growing fast,” and Shoigu agreed.\n"
)

TINY = {
    "sources.yaml": """\
sources:
  - id: src-a
    file: sources/a.txt
    outlet: Example Wire
    title: A meeting
    published: 2018-04-05
    published_basis: stated
""",
    "people.yaml": """\
people:
  - id: amir-hatami
    name: Amir Hatami
    short_name: Hatami
    country: Iran
    role: Minister of Defense of Iran
    spellings: [Amir Hatami]
  - id: sergei-shoigu
    name: Sergei Shoigu
    short_name: Shoigu
    country: Russia
    role: Minister of Defense of Russia
    spellings: [Sergei Shoigu]
""",
    "events.yaml": """\
events:
  - id: mcis-2018
    name: VII Moscow Conference on International Security
    short_name: VII MCIS
    year: 2018
    location: Moscow
    sources: [src-a]
""",
    "topics.yaml": """\
topics:
  - id: defence-cooperation
    description: Defence cooperation.
""",
    "meetings.yaml": """\
meetings:
  - id: talks
    title: Talks
    date:
      day: 2018-04-03
      basis: inferred
      how: The source says Tuesday; the visit began on 3 April.
    location: Moscow
    event: mcis-2018
    kind: bilateral-talks
    participants:
      - {person: amir-hatami, role: Minister}
      - {person: sergei-shoigu, role: Minister}
    topics: [defence-cooperation]
    summary: They talked.
    quotes:
      - speaker: amir-hatami
        source: src-a
        text: cooperation is growing fast,
    sources: [src-a]
""",
}


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    root = tmp_path / "tiny"
    (root / "sources").mkdir(parents=True)
    (root / "sources" / "a.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    for name, text in TINY.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def problems(root: Path) -> list[str]:
    """Every problem line, with the folder prefix removed so the tests read plainly."""
    with pytest.raises(DataError) as caught:
        load_dataset(root)
    return [str(p).replace(f"{root}/", "") for p in caught.value.problems]


def test_tiny_dataset_loads(tiny: Path) -> None:
    dataset = load_dataset(tiny)
    assert isinstance(dataset, Dataset)
    assert [m.id for m in dataset.meetings] == ["talks"]


def test_records_are_immutable(tiny: Path) -> None:
    meeting = load_dataset(tiny).meetings[0]
    with pytest.raises(AttributeError):
        meeting.summary = "changed"  # type: ignore[misc]


def test_duplicate_key_is_rejected_with_both_lines(tiny: Path) -> None:
    edit(
        tiny / "meetings.yaml", "    summary: They talked.\n", "    summary: A.\n    summary: B.\n"
    )
    assert problems(tiny) == [
        "meetings.yaml:16:5: meetings[0].summary: duplicate key 'summary' (first at line 15); "
        "YAML would silently keep only the last one"
    ]


def test_dangling_references_each_name_file_and_line(tiny: Path) -> None:
    edit(tiny / "meetings.yaml", "{person: sergei-shoigu", "{person: sergei-shoygu")
    edit(tiny / "meetings.yaml", "event: mcis-2018", "event: mcis-2019")
    edit(tiny / "meetings.yaml", "topics: [defence-cooperation]", "topics: [defense]")
    edit(tiny / "meetings.yaml", "sources: [src-a]", "sources: [src-a, src-b]")
    edit(tiny / "meetings.yaml", "speaker: amir-hatami", "speaker: amir-hatamy")
    assert problems(tiny) == [
        "meetings.yaml:9:12: meetings[0].event: no event with id 'mcis-2019' "
        "(did you mean 'mcis-2018'?)",
        "meetings.yaml:13:18: meetings[0].participants[1].person: no person with id "
        "'sergei-shoygu' (did you mean 'sergei-shoigu'?)",
        "meetings.yaml:14:14: meetings[0].topics[0]: no topic with id 'defense'",
        "meetings.yaml:17:18: meetings[0].quotes[0].speaker: no person with id 'amir-hatamy' "
        "(did you mean 'amir-hatami'?)",
        "meetings.yaml:17:18: meetings[0].quotes[0].speaker: 'amir-hatamy' is not a participant "
        "of this meeting",
        "meetings.yaml:20:22: meetings[0].sources[1]: no source with id 'src-b' "
        "(did you mean 'src-a'?)",
    ]


def test_impossible_date(tiny: Path) -> None:
    edit(tiny / "meetings.yaml", "day: 2018-04-03", "day: 2018-02-30")
    assert problems(tiny) == [
        "meetings.yaml:5:12: meetings[0].date.day: 2018-02-30 is not a real date"
    ]


def test_date_that_is_not_a_date(tiny: Path) -> None:
    edit(tiny / "sources.yaml", "published: 2018-04-05", "published: April 5")
    assert problems(tiny) == [
        "sources.yaml:6:16: sources[0].published: expected a date YYYY-MM-DD, got text 'April 5'"
    ]


def test_range_must_run_forwards_and_not_mix_forms(tiny: Path) -> None:
    edit(
        tiny / "meetings.yaml",
        "      day: 2018-04-03\n",
        "      from: 2018-04-06\n      to: 2018-04-03\n",
    )
    assert problems(tiny) == [
        "meetings.yaml:5:7: meetings[0].date: `from` (2018-04-06) is after `to` (2018-04-03)"
    ]


def test_day_and_range_together(tiny: Path) -> None:
    edit(
        tiny / "meetings.yaml",
        "      day: 2018-04-03\n",
        "      day: 2018-04-03\n      to: 2018-04-04\n",
    )
    assert problems(tiny) == [
        "meetings.yaml:5:7: meetings[0].date: give one of `day`, `from`/`to` or `one_of`"
    ]


def test_missing_required_field(tiny: Path) -> None:
    edit(tiny / "meetings.yaml", "    summary: They talked.\n", "")
    assert problems(tiny) == ["meetings.yaml:2:5: meetings[0].summary: missing required field"]


def test_required_field_set_to_null(tiny: Path) -> None:
    edit(tiny / "meetings.yaml", "summary: They talked.", "summary:")
    assert problems(tiny) == ["meetings.yaml:15:13: meetings[0].summary: must not be empty (null)"]


def test_string_where_a_list_belongs(tiny: Path) -> None:
    edit(tiny / "meetings.yaml", "topics: [defence-cooperation]", "topics: defence-cooperation")
    assert problems(tiny) == [
        "meetings.yaml:14:13: meetings[0].topics: expected a list, got text 'defence-cooperation'"
    ]


def test_yaml11_boolean_is_caught(tiny: Path) -> None:
    edit(tiny / "people.yaml", "country: Russia", "country: NO")
    assert problems(tiny) == [
        "people.yaml:11:14: people[1].country: expected text, got a boolean 'NO' "
        "(YAML 1.1 reads an unquoted NO as true/false: put it in quotes)"
    ]


def test_yaml11_octal_is_caught(tiny: Path) -> None:
    edit(tiny / "events.yaml", "year: 2018", "year: 0123")
    assert problems(tiny) == [
        "events.yaml:5:11: events[0].year: write the number plainly: YAML 1.1 reads '0123' as 83"
    ]


def test_number_where_text_belongs(tiny: Path) -> None:
    edit(tiny / "people.yaml", "short_name: Shoigu", "short_name: 1955")
    assert problems(tiny) == [
        "people.yaml:10:17: people[1].short_name: expected text, got a number '1955' "
        "(put it in quotes)"
    ]


def test_unknown_field_suggests_the_right_one(tiny: Path) -> None:
    edit(tiny / "meetings.yaml", "summary: They talked.", "sumary: They talked.")
    lines = problems(tiny)
    assert lines[0] == "meetings.yaml:2:5: meetings[0].summary: missing required field"
    assert lines[1].startswith(
        "meetings.yaml:15:5: meetings[0].sumary: unknown field 'sumary' (did you mean 'summary'?)"
    )


def test_unknown_choice(tiny: Path) -> None:
    edit(tiny / "meetings.yaml", "kind: bilateral-talks", "kind: bilateral")
    (line,) = problems(tiny)
    assert line.startswith("meetings.yaml:10:11: meetings[0].kind: 'bilateral' is not one of: ")


def test_bad_id(tiny: Path) -> None:
    edit(tiny / "meetings.yaml", "id: talks", "id: Talks 1")
    assert problems(tiny) == [
        "meetings.yaml:2:9: meetings[0].id: 'Talks 1' is not a valid id "
        "(use lower-case letters, digits, hyphens)"
    ]


def test_duplicate_ids_across_files(tiny: Path) -> None:
    (tiny / "zz-more-people.yaml").write_text(
        "people:\n  - id: sergei-shoigu\n    name: S\n    short_name: S\n    country: Russia\n"
        "    role: Minister\n    spellings: [Sergei Shoigu]\n",
        encoding="utf-8",
    )
    assert problems(tiny) == [
        "zz-more-people.yaml:2:9: people[0].id: duplicate id 'sergei-shoigu' "
        "(first used at people.yaml:8)"
    ]


def test_quote_must_be_verbatim(tiny: Path) -> None:
    edit(
        tiny / "meetings.yaml", "text: cooperation is growing fast,", "text: cooperation grows fast"
    )
    assert problems(tiny) == [
        "meetings.yaml:19:15: meetings[0].quotes[0].text: not found verbatim in src-a: "
        "'cooperation grows fast'"
    ]


def test_quote_matches_across_curly_quotes_and_line_breaks(tiny: Path) -> None:
    (tiny / "sources" / "a.txt").write_text(
        "Hatami said “cooperation is\n   growing   fast,” and left.\nAmir Hatami, Sergei Shoigu",
        encoding="utf-8",
    )
    assert load_dataset(tiny).meetings


def test_quote_source_must_be_cited_by_the_meeting(tiny: Path) -> None:
    edit(tiny / "sources.yaml", "sources:\n", "sources:\n  - {id: src-b, file: sources/a.txt}\n")
    edit(tiny / "meetings.yaml", "        source: src-a", "        source: src-b")
    assert problems(tiny) == [
        "meetings.yaml:18:17: meetings[0].quotes[0].source: source 'src-b' is not in this "
        "record's `sources`"
    ]


def test_missing_source_file(tiny: Path) -> None:
    (tiny / "sources" / "a.txt").unlink()
    assert problems(tiny) == ["sources.yaml:2:5: sources[0].file: no such file: sources/a.txt"]


def test_spelling_must_come_from_a_source(tiny: Path) -> None:
    edit(tiny / "people.yaml", "spellings: [Sergei Shoigu]", "spellings: [Sergei Shoigu, Schoigu]")
    assert problems(tiny) == [
        "people.yaml:13:32: people[1].spellings[1]: not found verbatim in any source: 'Schoigu'"
    ]


def test_yaml_syntax_error_names_line_and_column(tiny: Path) -> None:
    edit(tiny / "meetings.yaml", "    title: Talks\n", "    title: Talks\n\ttab: 1\n")
    (line,) = problems(tiny)
    assert line.startswith(
        "meetings.yaml:4:1: (file): YAML syntax error: found a tab character that violates "
        "indentation"
    )


def test_unclosed_quote(tiny: Path) -> None:
    edit(tiny / "meetings.yaml", "title: Talks", 'title: "Talks')
    (line,) = problems(tiny)
    assert line.startswith(
        "meetings.yaml:21:1: (file): YAML syntax error: found unexpected end of stream "
        "(while scanning a quoted scalar at line 3, column 12)"
    )


def test_python_tags_are_refused_without_running_anything(tiny: Path) -> None:
    edit(
        tiny / "meetings.yaml",
        "summary: They talked.",
        "summary: !!python/object/apply:os.system ['touch pwned']",
    )
    (line,) = problems(tiny)
    assert line == (
        "meetings.yaml:15:14: meetings[0].summary: the YAML tag "
        "!!python/object/apply:os.system is not allowed"
    )
    assert not Path("pwned").exists()


def test_aliases_are_refused(tiny: Path) -> None:
    edit(tiny / "meetings.yaml", "summary: They talked.", "summary: &s They talked.\n    notes: *s")
    assert problems(tiny) == [
        "meetings.yaml:15:14: meetings[0].notes: YAML aliases are not supported: this repeats "
        "the value anchored here; write it out in full"
    ]


def test_empty_file(tiny: Path) -> None:
    (tiny / "empty.yaml").write_text("", encoding="utf-8")
    assert problems(tiny) == ["empty.yaml:1:1: (file): the file is empty"]


def test_not_utf8(tiny: Path) -> None:
    (tiny / "latin1.yaml").write_bytes("topics:\n  - id: caf\xe9\n".encode("latin-1"))
    assert problems(tiny) == ["latin1.yaml:2:12: (file): not valid UTF-8 (save the file as UTF-8)"]


def test_byte_order_mark_and_crlf_are_accepted(tiny: Path) -> None:
    path = tiny / "topics.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes().replace(b"\n", b"\r\n"))
    assert load_dataset(tiny).topics[0].id == "defence-cooperation"


def test_top_level_must_be_a_known_collection(tiny: Path) -> None:
    (tiny / "extra.yaml").write_text("meeting:\n  - id: x\n", encoding="utf-8")
    (line,) = problems(tiny)
    assert line.startswith(
        "extra.yaml:1:1: meeting: unknown field 'meeting' (did you mean 'meetings'?)"
    )


def test_top_level_list_is_rejected(tiny: Path) -> None:
    (tiny / "list.yaml").write_text("- id: x\n", encoding="utf-8")
    assert problems(tiny) == ["list.yaml:1:1: (document): expected a data file, got a list"]


def test_all_problems_are_reported_at_once(tiny: Path) -> None:
    edit(tiny / "meetings.yaml", "day: 2018-04-03", "day: 2018-13-01")
    edit(tiny / "people.yaml", "country: Iran", "country: [Iran]")
    edit(tiny / "events.yaml", "mcis-2018\n", "mcis-2018\n    name: dup\n")
    lines = problems(tiny)
    assert len(lines) == 3
    assert [line.split(":")[0] for line in lines] == ["events.yaml", "meetings.yaml", "people.yaml"]


def test_problem_format() -> None:
    assert (
        str(Problem("a.yaml", 3, 7, "meetings[0].id", "bad")) == "a.yaml:3:7: meetings[0].id: bad"
    )
    assert str(Problem("a.yaml", 0, 0, "", "the file is empty")) == "a.yaml: the file is empty"


def test_missing_folder(tmp_path: Path) -> None:
    assert problems(tmp_path / "nope") == [f"{tmp_path}/nope: no such dataset folder"]


def test_folder_without_data(tmp_path: Path) -> None:
    assert problems(tmp_path) == [f"{tmp_path}: no data files (*.yaml) in this folder"]


def test_locate_dataset_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MEETINGS_DATA", str(tmp_path / "env"))
    assert locate_dataset(str(tmp_path / "opt")) == tmp_path / "opt"
    assert locate_dataset(None) == tmp_path / "env"
    monkeypatch.delenv("MEETINGS_DATA")
    assert (locate_dataset(None) / "meetings.yaml").is_file()
    file_inside = tmp_path / "x.yaml"
    file_inside.write_text("", encoding="utf-8")
    assert locate_dataset(str(file_inside)) == tmp_path


def test_real_data_with_duplicate_key(data_copy: Path) -> None:
    edit(
        data_copy / "meetings.yaml",
        "    location: Moscow\n",
        "    location: Moscow\n    location: Ankara\n",
    )
    (line,) = problems(data_copy)
    assert line.startswith("meetings.yaml:") and "duplicate key 'location'" in line


def test_participant_listed_twice(tiny: Path) -> None:
    edit(
        tiny / "meetings.yaml",
        "{person: sergei-shoigu, role: Minister}",
        "{person: amir-hatami, role: X}",
    )
    assert problems(tiny) == [
        "meetings.yaml:13:18: meetings[0].participants[1].person: 'amir-hatami' is listed twice"
    ]


def test_disputed_participant_must_cite_a_source_of_the_meeting(tiny: Path) -> None:
    edit(tiny / "sources.yaml", "sources:\n", "sources:\n  - {id: src-b, file: sources/a.txt}\n")
    edit(
        tiny / "meetings.yaml",
        "{person: sergei-shoigu, role: Minister}",
        "{person: sergei-shoigu, role: Minister, sources: [src-b]}",
    )
    assert problems(tiny) == [
        "meetings.yaml:13:59: meetings[0].participants[1].sources[0]: source 'src-b' is not in "
        "this record's `sources`"
    ]


def test_disagreement_needs_two_claims_from_cited_sources(tiny: Path) -> None:
    edit(
        tiny / "meetings.yaml",
        "    sources: [src-a]\n",
        "    sources: [src-a]\n    disagreements:\n      - about: Who\n        claims:\n"
        "          - {says: A, sources: [src-a]}\n",
    )
    assert problems(tiny) == [
        "meetings.yaml:24:11: meetings[0].disagreements[0].claims: needs at least 2 item(s), has 1"
    ]


def test_a_meeting_needs_a_source_and_lists_hold_no_repeats(tiny: Path) -> None:
    edit(tiny / "meetings.yaml", "    sources: [src-a]\n", "    sources: []\n")
    edit(
        tiny / "meetings.yaml",
        "topics: [defence-cooperation]",
        "topics: [defence-cooperation, defence-cooperation]",
    )
    lines = problems(tiny)
    assert lines == [
        "meetings.yaml:14:35: meetings[0].topics: 'defence-cooperation' is listed twice",
        "meetings.yaml:18:17: meetings[0].quotes[0].source: source 'src-a' is not in this "
        "record's `sources`",
        "meetings.yaml:20:14: meetings[0].sources: needs at least 1 item(s), has 0",
    ]


def test_year_out_of_range(tiny: Path) -> None:
    edit(tiny / "events.yaml", "year: 2018", "year: 18")
    assert problems(tiny) == ["events.yaml:5:11: events[0].year: 18 is outside 1900..2100"]


def test_quote_source_in_context_must_be_cited(tiny: Path) -> None:
    (tiny / "context.yaml").write_text(
        "context:\n  - id: c\n    title: T\n    kind: statement\n    summary: S\n"
        "    sources: [src-a]\n    quotes:\n"
        "      - {speaker: amir-hatami, source: src-z, text: x}\n",
        encoding="utf-8",
    )
    assert problems(tiny) == [
        "context.yaml:8:40: context[0].quotes[0].source: no source with id 'src-z' "
        "(did you mean 'src-a'?)",
        "context.yaml:8:40: context[0].quotes[0].source: source 'src-z' is not in this record's "
        "`sources`",
    ]


def test_one_bad_record_does_not_hide_or_cascade(tiny: Path) -> None:
    # The person record is broken, but references to its id are not reported as dangling.
    edit(tiny / "people.yaml", "country: Russia", "country: [Russia]")
    assert problems(tiny) == ["people.yaml:11:14: people[1].country: expected text, got a list"]
