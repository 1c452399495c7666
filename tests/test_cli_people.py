"""`who`, `people` and `search` through the CLI, and `list --person` with the resolver."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import Invoke, edit

# ----------------------------------------------------------------------------- who


def test_who_table_profile_meetings_counterparts(cli: Invoke) -> None:
    result = cli("who", "Shoygu")
    assert result.exit_code == 0
    out = result.stdout
    for text in ("Sergei Shoigu", "Russia", "Сергей Шойгу", "Sergey Shoygu", "Engagements (3)"):
        assert text in out
    assert "mcis2018-russia" in out and "army2020-russia" in out
    assert "Amir Hatami (Iran): 3 meetings" in out
    assert "How the name matched" not in out


def test_who_json_contract(cli: Invoke) -> None:
    result = cli("who", "Schoigu", "--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["query"] == "Schoigu"
    assert report["person"]["id"] == "sergei-shoigu"
    assert {"id", "name", "country", "role", "native_names", "spellings"} <= report["person"].keys()
    assert report["score"] == 97
    assert [m["id"] for m in report["meetings"]] == [
        "mcis2018-russia",
        "mcis2019-russia",
        "army2020-russia",
    ]
    assert report["meetings"][0].keys() >= {"id", "date", "participants", "topics", "summary"}
    assert report["counterparts"] == [
        {
            "id": "amir-hatami",
            "name": "Amir Hatami",
            "country": "Iran",
            "meetings": 3,
            "disputed": 0,
        }
    ]
    assert report["candidates"][0]["id"] == "sergei-shoigu"
    assert report["match"]["method"] == "phonetic"


def test_who_explain(cli: Invoke) -> None:
    out = cli("who", "Gen.", "Hatemi", "--explain").stdout
    assert "normalised: 'hatemi'" in out
    assert "by fuzzy match, score 83.3" in out
    assert "runner-up:" in out
    report = json.loads(cli("who", "Khatami", "--explain", "--json").stdout)
    assert report["match"]["runner_up"]["id"] != "amir-hatami"
    assert report["match"]["phonetic"] == "hatami"


@pytest.mark.parametrize("name", ["Mattis", "Hossein Salami", "Lavrov"])
def test_who_unknown_person(cli: Invoke, name: str) -> None:
    result = cli("who", name)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"meetings: no person matches '{name}'")


def test_who_suggests_near_misses(cli: Invoke) -> None:
    result = cli("who", "Salami")
    assert "did you mean Amir Hatami (" in result.stderr and "Kazem Jalali (66.7)?" in result.stderr
    report = json.loads(cli("who", "Salami", "--json").stdout)
    assert report["person"] is None and report["meetings"] == []
    assert {c["id"] for c in report["candidates"]} == {"amir-hatami", "kazem-jalali"}


def test_who_ambiguous_lists_candidates(cli_bare: Invoke, data_copy: Path) -> None:
    edit(
        data_copy / "people.yaml",
        "  - id: kazem-jalali\n",
        "  - id: amir-hatamy\n    name: Amir Hatamy\n    short_name: Hatamy\n    country: Iran\n"
        "    role: Someone else\n    spellings: [Amir Hatamy]\n  - id: kazem-jalali\n",
    )
    article = next((data_copy / "sources").glob("*.txt"))  # a spelling must be in an article
    article.write_text(article.read_text(encoding="utf-8") + "\nAmir Hatamy\n", encoding="utf-8")
    result = cli_bare("--data", str(data_copy), "who", "Khattami")
    assert result.exit_code == 1
    assert "'Khattami' could mean Amir Hatami (97) or Amir Hatamy (97)" in result.stderr
    report = json.loads(cli_bare("--data", str(data_copy), "who", "Khattami", "--json").stdout)
    assert report["match"]["status"] == "ambiguous" and len(report["candidates"]) == 2
    listed = cli_bare("--data", str(data_copy), "list", "--person", "Khattami")
    assert listed.exit_code == 1 and "could mean" in listed.stderr


def test_who_person_without_meetings(cli: Invoke) -> None:
    result = cli("who", "Kazem", "Jalali")
    assert result.exit_code == 0
    assert "Engagements (0)" in result.stdout and "none recorded" in result.stdout
    # An address is an engagement, not talks: the heading says how many of each.
    assert "Engagements (8: 7 talks, 1 other)" in cli("who", "Hatami").stdout


def test_who_as_csv_is_one_row_per_meeting_with_the_person(cli: Invoke) -> None:
    result = cli("who", "Hatami", "--format", "csv")
    header, *rows = result.stdout.splitlines()
    assert result.exit_code == 0
    assert header.startswith("query,person_id,person,id,title")
    assert len(rows) == 8 and all(r.startswith("Hatami,amir-hatami,Amir Hatami,") for r in rows)


# ----------------------------------------------------------------------------- people


def test_people_table(cli: Invoke) -> None:
    out = cli("people").stdout
    lines = out.splitlines()
    assert lines[0].split() == ["Name", "Country", "Role", "Talks", "Engagements"]
    assert lines[2].startswith("Amir Hatami") and lines[2].split()[-2:] == ["7", "8"]
    assert "Talks: meetings with counterparts · Engagements: all they took part in" in out
    hatami = next(p for p in json.loads(cli("people", "--json").stdout) if p["id"] == "amir-hatami")
    assert (hatami["meetings"], hatami["talks"]) == (8, 7)


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_people_formats(cli: Invoke, fmt: str) -> None:
    result = cli("people", "--format", fmt)
    assert result.exit_code == 0
    if fmt == "json":
        rows = json.loads(result.stdout)
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in result.stdout.splitlines()]
    else:
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 14
    by_id = {row["id"]: row for row in rows}
    assert str(by_id["sergei-shoigu"]["meetings"]) == "3"
    assert str(by_id["kazem-jalali"]["meetings"]) == "0"
    assert by_id["aleksandar-vulin"]["country"] == "Serbia"


# ----------------------------------------------------------------------------- search


def test_search_forgives_typos(cli: Invoke) -> None:
    hits = json.loads(cli("search", "terorism", "--json").stdout)
    ids = [h["id"] for h in hits]
    assert {"mcis2018-russia", "mcis2018-kazakhstan", "mcis2019-russia"} <= set(ids)
    for hit in hits:
        (match,) = hit["search"]["matches"]
        assert match["term"] == "terorism"
        assert match["field"] in ("summary", "topics", "quotes", "title")
        if hit["search"]["record"] == "meeting":
            assert "terrorism" in match["matched"].lower()
        else:  # context items are searched too; "terrorist" is another word
            assert match["matched"].lower() == "terrorism"
    assert {h["id"] for h in hits if h["search"]["record"] == "context"} == {"2019-astana-talks"}


def test_search_multi_word_needs_every_word(cli: Invoke) -> None:
    hits = json.loads(cli("search", "return of refugees", "--json").stdout)
    assert [h["id"] for h in hits] == ["mcis2018-russia"]
    fields = {m["term"]: m["field"] for m in hits[0]["search"]["matches"]}
    assert set(fields) == {"return", "refugees"}  # "of" is not searched for


def test_search_names_in_any_spelling(cli: Invoke) -> None:
    hits = json.loads(cli("search", "Schoigu", "astana", "--json").stdout)
    # (The Astana talks' notes say why Shoigu's words on the Astana format are not theirs.)
    assert [h["id"] for h in hits] == ["mcis2019-russia", "2019-astana-talks"]
    assert {m["field"] for m in hits[0]["search"]["matches"]} == {"participants", "summary"}


def test_search_quotes_events_locations(cli: Invoke) -> None:
    assert "mcis2018-kazakhstan" in cli("search", "dominating powers").stdout
    assert json.loads(cli("search", "Army-2020", "--json").stdout)[0]["id"] == "army2020-russia"


def test_search_is_ranked_and_limited(cli: Invoke) -> None:
    hits = json.loads(cli("search", "cooperation", "--json").stdout)
    scores = [h["search"]["score"] for h in hits]
    assert scores == sorted(scores, reverse=True) and len(hits) > 2
    limited = json.loads(cli("search", "cooperation", "--limit", "2", "--json").stdout)
    assert [h["id"] for h in limited] == [h["id"] for h in hits[:2]]


def test_search_takes_list_filters(cli: Invoke) -> None:
    hits = json.loads(cli("search", "cooperation", "--year", "2019", "--json").stdout)
    # Context items as `context --year 2019` keeps them: the Astana talks too.
    assert sorted(h["id"] for h in hits) == ["2019-astana-talks", "mcis2019-russia"]
    hits = json.loads(cli("search", "cooperation", "--event", "mcis-2019", "--json").stdout)
    assert [h["id"] for h in hits] == ["mcis2019-russia"]  # an event keeps no context item
    hits = json.loads(cli("search", "cooperation", "--country", "Serbia", "--json").stdout)
    assert [h["id"] for h in hits] == ["mcis2018-serbia"]


def test_search_nothing_found(cli: Invoke) -> None:
    result = cli("search", "xylophone", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == []
    assert "no record mentions 'xylophone'" in result.stderr


def test_search_table_says_which_field_and_highlights(cli: Invoke) -> None:
    plain = cli("search", "Ankara")
    assert plain.exit_code == 0
    assert "summary:" in plain.stdout and "Ankara" in plain.stdout
    coloured = cli("search", "Ankara", env={"FORCE_COLOR": "1", "TERM": "xterm"})
    assert "\x1b[1;7mAnkara" in coloured.stdout


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_search_formats(cli: Invoke, fmt: str) -> None:
    result = cli("search", "astana", "--format", fmt)
    assert result.exit_code == 0
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        (row,) = [row for row in rows if row["record"] == "meeting"]
        assert row["id"] == "mcis2019-russia" and row["matched_fields"] == "summary"
        assert float(row["score"]) == 100
        assert {row["record"] for row in rows} == {"meeting", "context"}  # Astana talks too
    else:
        hits = [json.loads(line) for line in result.stdout.splitlines()]
        (meeting,) = [hit for hit in hits if hit["search"]["record"] == "meeting"]
        assert meeting["search"]["score"] == 100


# ----------------------------------------------------------------------------- list --person


@pytest.mark.parametrize("name", ["Schoigu", "Шойгу", "Choïgou", "Szojgu", "Sergey Shoygu"])
def test_list_person_uses_the_resolver(cli: Invoke, name: str) -> None:
    rows = json.loads(cli("list", "--person", name, "--json").stdout)
    assert [r["id"] for r in rows] == ["mcis2018-russia", "mcis2019-russia", "army2020-russia"]


def test_alternative_readings_are_one_disputed_seat(cli: Invoke) -> None:
    report = json.loads(cli("who", "Atamkulov", "--json").stdout)
    assert [c["id"] for c in report["counterparts"]] == ["amir-hatami"]  # not Zhasuzakov
    assert report["counterparts"][0]["disputed"] == 1
    people = {p["id"]: p for p in json.loads(cli("people", "--json").stdout)}
    assert (people["saken-zhasuzakov"]["meetings"], people["saken-zhasuzakov"]["disputed"]) == (
        1,
        1,
    )
    assert people["amir-hatami"]["disputed"] == 0
    assert "1?" in cli("people").stdout
    graph = json.loads(cli("graph", "--json").stdout)
    pairs = {frozenset((e["source"], e["target"])) for e in graph["edges"]}
    assert frozenset(("beibut-atamkulov", "saken-zhasuzakov")) not in pairs


def test_people_only_in_context_are_found_with_their_context(cli: Invoke) -> None:
    report = json.loads(cli("who", "Pedersen", "--json").stdout)
    assert report["person"]["id"] == "geir-pedersen" and report["meetings"] == []
    assert [c["id"] for c in report["context"]] == ["2019-astana-talks"]
    hatami = json.loads(cli("who", "Hatami", "--json").stdout)
    assert "2020-arrival-remarks" in [c["id"] for c in hatami["context"]]
    assert "In context" in cli("who", "Erdogan").stdout


def test_curator_facts_are_marked_in_views_json_and_audit(cli: Invoke) -> None:
    person = json.loads(cli("who", "Shoigu", "--json").stdout)["person"]
    assert person["native_names"] == [
        {
            "script": "Cyrillic",
            "name": "Сергей Шойгу",
            "basis": "curator",
            "script_basis": "curator",
        }
    ]
    persian = {"script": "Persian", "name": "سرگئی شویگو", "basis": "curator"}
    assert {**persian, "script_basis": "curator"} in person["other_names"]
    assert "[curator]" in cli("who", "Shoigu").stdout
    putin = json.loads(cli("who", "Putin", "--json").stdout)["person"]
    # The article: "President Putin": his given name, country and office are the curators'.
    assert putin["curator_fields"] == ["name", "country", "role"]
    assert "Russia [curator]" in cli("who", "Putin").stdout
    assert (
        "VIII Moscow Conference on International Security [curator]"
        in cli("show", "mcis2019-russia").stdout
    )
    audit = json.loads(cli("audit", "--json").stdout)
    curator = [f for f in audit if f["issue"] == "curator-supplied"]
    assert {"event", "person"} == {f["record"] for f in curator}


def test_one_of_dates_match_only_their_candidate_days(cli: Invoke) -> None:
    assert cli("list", "--from", "2020-08-17", "--to", "2020-08-22").exit_code == 1
    hit = json.loads(cli("list", "--from", "2020-08-23", "--json").stdout)
    assert [m["id"] for m in hit] == ["army2020-russia"]
    assert hit[0]["date_candidates"] == ["2020-08-16", "2020-08-23"]
    assert "~2020-08-16|23" in cli("list", "--year", "2020").stdout  # one date style a column
    assert "16 or 23 Aug" in cli("timeline", "--year", "2020").stdout


def test_curator_marks_have_their_legend(cli: Invoke) -> None:
    for args in (["people"], ["who", "Putin"], ["show", "mcis2019-russia"]):
        out = cli(*args).stdout
        assert "[curator]" in out and "[curator] the curators' own" in out, args
    assert "[curator]" not in cli("show", "mcis2018-belarus").stdout
