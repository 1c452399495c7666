"""Issue 25: every claim cites its passage; attribution, dates and counts say what they are."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, Invoke, edit

from meetings_cli.store import load_dataset

PASSAGE = "Hatami referred to Iran’s active participation in all seven security conferences"


def as_json(cli: Invoke, *args: str) -> Any:
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def problems_of(cli_bare: Invoke, root: Path) -> list[str]:
    result = cli_bare("validate", str(root))
    assert result.exit_code == 2, result.stderr
    return [line.replace(f"{root}/", "") for line in result.stderr.splitlines()]


# ----------------------------------------------------------------------------- claims


def test_every_claim_of_the_bundled_data_has_its_evidence(cli: Invoke) -> None:
    assert cli("audit", "--issue", "no-evidence", "--json").stdout == "[]\n"
    dataset = load_dataset(DATA)
    records = [*dataset.meetings, *dataset.context, *dataset.events, *dataset.sources]
    for record in [*records, *dataset.people]:
        for claim in record.claims:
            assert claim.evidence or claim.basis == "curator", (record.id, claim.field)
            assert claim.basis != "curator" or claim.how, (record.id, claim.field)
    # Every summary is made of claims, each sentence with its passages.
    for record in [*dataset.meetings, *dataset.context]:
        fields = {claim.field.partition("[")[0] for claim in record.claims}
        assert "summary" in fields, record.id


def test_a_passage_not_in_its_article_is_a_problem_at_its_place(
    cli_bare: Invoke, data_copy: Path
) -> None:
    edit(data_copy / "meetings.yaml", PASSAGE, PASSAGE.replace("seven", "eight"))
    (problem,) = problems_of(cli_bare, data_copy)
    assert problem.startswith("meetings.yaml:84:")
    assert "meetings[0].summary[0].evidence[0].text: not found verbatim in" in problem


def test_a_claim_needs_evidence_or_the_curators_reasoning(
    cli_bare: Invoke, data_copy: Path
) -> None:
    meetings = data_copy / "meetings.yaml"
    edit(
        meetings,
        "          2015.\n        evidence:",
        "          2015.\n        basis: curator\n        evidence:",
    )
    edit(meetings, "mehr-mcis2018, text: 'Hatami noted", "presstv-mcis2019, text: 'Hatami noted")
    found = problems_of(cli_bare, data_copy)
    assert any("meetings[0].summary[0]: a `curator` claim needs `how`" in p for p in found)
    assert any(
        "summary[0].evidence[1]: source 'presstv-mcis2019' is not in this record's" in p
        for p in found
    )


def test_prose_given_as_text_is_listed_as_without_evidence(
    cli_bare: Invoke, data_copy: Path
) -> None:
    edit(data_copy / "topics.yaml", "topics:", "topics:", 1)
    text = (data_copy / "meetings.yaml").read_text(encoding="utf-8")
    start = text.index(
        "    notes:\n      - text: >-\n          Source iranproject-2018-04-07 gives"
    )
    end = text.index("\n\n", start)
    plain = "    notes: The curators wrote this without evidence."
    (data_copy / "meetings.yaml").write_text(text[:start] + plain + text[end:], encoding="utf-8")
    args = ("--data", str(data_copy), "audit", "--issue", "no-evidence", "--json")
    (finding,) = as_json(cli_bare, *args)
    assert (finding["id"], finding["detail"]) == (
        "mcis2018-russia",
        "notes: The curators wrote this without evidence.",
    )


def test_show_prints_each_claim_with_its_passage_marked(cli: Invoke) -> None:
    one_of = cli("show", "2020-arrival-remarks").stdout
    assert "Date:      2020-08-15|22 (one-of, inferred)" in one_of and "Date end" not in one_of
    out = cli("show", "mcis2018-belarus").stdout
    evidence = " ".join(out[out.index("\nEvidence\n") :].split())
    assert "summary[0]: Hatami expressed appreciation" in evidence
    assert ">>> Hatami expressed his appreciation for Belarusian government’s" in evidence
    shown = as_json(cli, "show", "mcis2018-belarus", "--json")
    first = next(c for c in shown["claims"] if c["field"] == "summary[0]")
    assert first["basis"] == "stated" and first["evidence"][0]["spans"]


def test_a_sentence_is_not_ended_by_an_abbreviation(cli: Invoke) -> None:
    out = " ".join(cli("show", "army2020-russia").stdout.split())
    assert "the U.S. suffered at the UN Security Council last week" in out


# ----------------------------------------------------------------------------- attribution


def test_a_curator_speaker_needs_the_curators_reasons(cli_bare: Invoke, data_copy: Path) -> None:
    text = (data_copy / "context.yaml").read_text(encoding="utf-8")
    start = text.index("        speaker_how:")
    end = text.index("\n        source:", start)
    (data_copy / "context.yaml").write_text(text[:start] + text[end + 1 :], encoding="utf-8")
    (problem,) = problems_of(cli_bare, data_copy)
    assert "speaker_basis: a `curator` speaker needs `speaker_how`" in problem


def test_context_people_say_how_they_figure(cli: Invoke) -> None:
    (summit,) = [i for i in as_json(cli, "context", "--json") if i["id"] == "2018-ankara-summit"]
    assert summit["people"] == [] and [p["id"] for p in summit["commented"]] == ["sergei-shoigu"]
    assert {p["id"] for p in summit["named"]} == {
        "hassan-rouhani",
        "vladimir-putin",
        "recep-tayyip-erdogan",
    }
    assert "2018-ankara-summit  commented" in " ".join(cli("who", "Shoigu").stdout.split("\n"))
    found = as_json(cli, "search", "person:Shoigu", "--json")
    fields = {r["id"]: {m["field"] for m in r["search"]["matches"]} for r in found}
    assert fields["2018-ankara-summit"] == {"commented"}  # never "participants"


def test_a_person_figures_once_in_a_context_item(cli_bare: Invoke, data_copy: Path) -> None:
    edit(
        data_copy / "context.yaml",
        "commented: [sergei-shoigu]",
        "commented: [sergei-shoigu, vladimir-putin]",
    )
    found = problems_of(cli_bare, data_copy)
    assert any("'vladimir-putin' is already in `commented`" in p for p in found), found


# ----------------------------------------------------------------------------- dates


def test_every_context_item_is_dated_but_the_undatable_one(cli: Invoke) -> None:
    undated = [i["id"] for i in as_json(cli, "context", "--json") if i["date"] is None]
    assert undated == ["iran-russia-support-for-assad"]
    deadline = next(
        i for i in as_json(cli, "context", "--json") if i["id"] == "2018-us-jcpoa-deadline"
    )
    assert (deadline["date"], deadline["date_announced"]) == ("2018-05-12", "deadline")


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("2019-04-28", "outside the dates of event 'mcis-2019' (2019-04-23 to 2019-04-26"),
        ("2017-06-30", "outside the dates of event 'mcis-2019'"),
        ("2019-04-27", None),  # the day after the conference: within the tolerance
    ],
)
def test_validate_keeps_a_meeting_within_its_events_dates(
    cli_bare: Invoke, data_copy: Path, day: str, message: str | None
) -> None:
    edit(data_copy / "meetings.yaml", "day: 2019-04-26", f"day: {day}")
    result = cli_bare("validate", str(data_copy))
    if message is None:
        assert result.exit_code == 0, result.stderr
        return
    (problem,) = problems_of(cli_bare, data_copy)
    assert "meetings[6].event: the meeting's date" in problem and message in problem


def test_validate_refuses_a_record_dated_after_its_sources(
    cli_bare: Invoke, data_copy: Path
) -> None:
    edit(
        data_copy / "meetings.yaml",
        "      from: 2018-04-03\n      to: 2018-04-07",
        "      from: 2018-04-08\n      to: 2018-04-09",
    )
    found = problems_of(cli_bare, data_copy)
    assert any(
        "meetings[1].sources[0]: the record is dated 2018-04-08 at the earliest, after the"
        " publication of every dated source it cites (the latest: 2018-04-07)" in p
        for p in found
    ), found
    # A deadline the article announces may fall after it: `announced` says so.
    edit(data_copy / "context.yaml", "announced: deadline", "weekday: Saturday")
    found = problems_of(cli_bare, data_copy)
    assert any("the record is dated 2018-05-12 at the earliest" in p for p in found), found


def test_events_give_their_dates_as_the_curators(cli: Invoke) -> None:
    events = {e["id"]: e for e in as_json(cli, "events", "--json")}
    assert (events["army-2020"]["start"], events["army-2020"]["end"]) == (
        "2020-08-23",
        "2020-08-29",
    )
    assert events["army-2020"]["dates_basis"] == "curator"
    assert events["army-2020"]["location_basis"] == "curator"  # the article: "traveled to Moscow"
    out = cli("events", env={"COLUMNS": "120"}).stdout
    assert "23–29 Aug 2020  army-2020" in out and "\n[curator]  " in out  # the mark under it
    assert "Kubinka (Moscow Region) [curator]" in out
    assert (
        "(VIII MCIS), 23-26 Apr 2019 [curator]"  # piped: ASCII
        in cli("timeline", "--year", "2019", env={"COLUMNS": "120"}).stdout
    )


# ----------------------------------------------------------------------------- words


def test_counts_say_whether_they_count_talks(cli: Invoke) -> None:
    events = {e["id"]: e for e in as_json(cli, "events", "--json")}
    assert (events["mcis-2018"]["talks"], len(events["mcis-2018"]["meetings"])) == (5, 6)
    stats = cli("stats").stdout
    assert "Engagements by year" in stats and "Meetings by" not in stats


def test_with_never_pairs_two_readings_of_one_seat(cli: Invoke) -> None:
    apart = cli("list", "--with", "Atamkulov", "--with", "Zhasuzakov")
    assert apart.exit_code == 1
    assert "Atamkulov and Zhasuzakov are alternative readings of one seat in" in apart.stderr
    both = as_json(cli, "list", "--with", "Atamkulov", "--with", "Hatami", "--json")
    assert [m["id"] for m in both] == ["mcis2018-kazakhstan"]


def test_disputed_lists_what_the_sources_disagree_about(cli: Invoke) -> None:
    assert [m["id"] for m in as_json(cli, "list", "--disputed", "--json")] == [
        "mcis2018-kazakhstan"
    ]
    none = cli("context", "--disputed")
    assert none.exit_code == 1 and "no context items match" in none.stderr
    assert {f["id"] for f in as_json(cli, "audit", "--disputed", "--json")} >= {
        "mcis2018-kazakhstan"
    }
