"""Reading the articles (`source`, `show`), search operators, filters, and --sort/--reverse."""

from __future__ import annotations

import csv
import io
import json
import shlex
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, Invoke, edit

WIDE = {"COLUMNS": "500"}
CURLY = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})
SHOIGU_LATER = "mcis2019-russia army2020-russia"
ASSAD = "iran-russia-support-for-assad"
SOURCES = "iranproject-2018-04-07 unnamed-2018-04-06 army2020-repost presstv-mcis2019 mehr-mcis2018"


def as_json(cli: Invoke, *args: str) -> Any:
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def ids(cli: Invoke, command: str, *args: str) -> str:
    """The ids `command --json ARGS` lists, space-separated (--json first: ARGS may hold --)."""
    return " ".join(record["id"] for record in as_json(cli, command, "--json", *args))


def csv_rows(cli: Invoke, *args: str) -> list[dict[str, str]]:
    result = cli(*args, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def norm(text: str) -> str:
    return " ".join(text.translate(CURLY).split())


def quote_key(quote: dict[str, Any]) -> tuple[str, ...]:
    return quote["record"], quote["id"], quote["speaker_id"], quote["text"]


def article(cli: Invoke, *args: str) -> str:
    """The article part of a piped `source` view, on wide lines."""
    result = cli("source", *args, env=WIDE)
    assert result.exit_code == 0, result.stderr
    return str(result.stdout.split("Article ─", 1)[1])


# --------------------------------------------------------------------------- source ID


@pytest.mark.parametrize("source_id", SOURCES.split())
def test_source_json_spans_cut_every_quote_of_the_source_out_of_its_text(
    cli: Invoke, source_id: str
) -> None:
    record = as_json(cli, "source", source_id, "--quote", "--json")
    (listed,) = [s for s in as_json(cli, "sources", "--json") if s["id"] == source_id]
    metadata = {k: v for k, v in record.items() if k not in ("text", "quotes")}
    assert metadata == {"record": "source", **listed}
    assert record["text"] == (DATA / record["file"]).read_text(encoding="utf-8")
    for quote in record["quotes"]:
        assert quote["spans"], quote
        for span in quote["spans"]:
            assert norm(record["text"][span["start"] : span["end"]]) == norm(quote["text"])
    every = [q for q in as_json(cli, "quotes", "--json") if q["source"] == source_id]
    assert Counter(map(quote_key, record["quotes"])) == Counter(map(quote_key, every))


def test_source_quotes_keep_the_name_of_an_unlisted_speaker(cli: Invoke) -> None:
    found = as_json(cli, "source", "presstv-mcis2019", "-m", "2019-astana-talks", "--json")
    assert [q["speaker"] for q in found["quotes"]] == ["The top Russian negotiator"]


def test_source_meeting_narrows_the_quotes_and_takes_any_case(cli: Invoke) -> None:
    whole = as_json(cli, "source", "army2020-repost", "-q", "--json")["quotes"]
    assert [q["id"] for q in whole] == (
        "army2020-russia army2020-russia 2020-arrival-remarks 2020-visit-remarks"
        " 2020-jalali-remarks"
    ).split()
    narrowed = as_json(cli, "source", "ARMY2020-Repost", "-m", "2020-JALALI-remarks", "--json")
    assert narrowed["id"] == "army2020-repost"
    assert narrowed["quotes"] == [q for q in whole if q["id"] == "2020-jalali-remarks"]
    spans = narrowed["quotes"][0]["spans"]
    assert spans == [{"start": 2634, "end": 2655}, {"start": 5854, "end": 5875}]
    meeting = as_json(cli, "source", "mehr-mcis2018", "--meeting", "mcis2018-russia", "--json")
    speakers = [q["speaker_id"] for q in meeting["quotes"]]
    assert speakers == ["amir-hatami", "amir-hatami", "sergei-shoigu"]
    assert as_json(cli, "source", "Mehr MCIS2018", "--json")["id"] == "mehr-mcis2018"


def test_source_piped_sets_every_passage_between_markers_and_only_with_quote(
    cli: Invoke,
) -> None:
    record = as_json(cli, "source", "mehr-mcis2018", "--json")
    assert record["quotes"] == [] and "Iran, Russia stress joint fight" in record["text"]
    assert ">>>" not in article(cli, "mehr-mcis2018")
    jalali = article(cli, "army2020-repost", "-m", "2020-jalali-remarks")
    assert jalali.count(">>> ") == jalali.count(" <<<") == 2
    assert jalali.count('">>> will reach new levels <<<”') == 2
    every = article(cli, "mehr-mcis2018", "--quote")
    assert every.count(">>> ") == every.count(" <<<") == 3
    assert "“>>> During the Moscow security conference," in every


def test_source_count_line_counts_the_highlighted_passages(cli: Invoke) -> None:
    assert article(cli, "army2020-repost", "--quote").count(">>> ") == 10
    result = cli("source", "army2020-repost", "--quote")
    assert "Quoted: 5 quotes, at 10 places in the text" in result.stdout


def test_source_csv_has_one_row_per_passage(cli: Invoke) -> None:
    result = cli("source", "army2020-repost", "-q", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("source,record,id,speaker_id,speaker,text,start,end\n")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    quotes = as_json(cli, "source", "army2020-repost", "-q", "--json")["quotes"]
    spans = [(q["id"], s["start"], s["end"]) for q in quotes for s in q["spans"]]
    assert len(rows) == len(spans) == 10 and {r["source"] for r in rows} == {"army2020-repost"}
    assert [(r["id"], int(r["start"]), int(r["end"])) for r in rows] == spans


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ("mehr-mcis201", "no source with id 'mehr-mcis201' (did you mean 'mehr-mcis2018'?)"),
        (
            "mehr-mcis2018 -q -m mcis2018-serbia",
            "mcis2018-serbia does not cite source mehr-mcis2018"
            " (cited by: mcis2018-russia, mcis2018-address, 2018-ankara-summit)",
        ),
    ],
)
def test_source_unknown_id_or_uncited_meeting_says_what_there_is(
    cli: Invoke, args: str, message: str
) -> None:
    result = cli("source", *args.split())
    assert result.exit_code == 1 and result.stdout == ""
    assert message in result.stderr


def test_source_meeting_typo_of_a_context_id_suggests_it(cli: Invoke) -> None:
    result = cli("source", "army2020-repost", "-m", "2020-jalali-remark")
    assert result.exit_code == 1 and "'2020-jalali-remarks'" in result.stderr


def test_hostile_article_text_stays_inert(cli: Invoke, data_copy: Path) -> None:
    hostile = "\x1b[31mtalks [bold]x[/bold]"
    path = data_copy / "sources" / "004_6bd204247eaf6ee0.txt"
    edit(path, "During the talks, Hatami", f"During the {hostile}, Hatami")
    data = ("--data", str(data_copy))
    for args in (("source", "mehr-mcis2018", "-q"), ("show", "mcis2018-russia")):
        for color in ("never", "always"):
            result = cli(*data, "--color", color, *args, env=WIDE)
            assert result.exit_code == 0, result.stderr
            assert "\x1b[31m" not in result.stdout and "[bold]x[/bold]" in result.stdout
            assert color == "always" or "\x1b" not in result.stdout
    raw = cli(*data, "source", "mehr-mcis2018", "-q", "--json")
    assert "\x1b" not in raw.stdout and hostile in json.loads(raw.stdout)["text"]


# --------------------------------------------------------------------------- show ID


@pytest.mark.parametrize(
    ("record_id", "line"),
    [
        (
            "mcis2018-russia",
            "in the article: “>>> During the Moscow security conference, we will exchange views"
            " on topics that will be discussed during the Iran-Russia-Turkey summit in Ankara,"
            " <<<” he said.",
        ),
        (
            "2019-astana-talks",
            "in the article: The top Russian negotiator said after the first day of the talks"
            " that the three guarantor states of the ceasefire regime in Syria are"
            " “>>> clearly determined <<<” to continue their fight against terrorism in the"
            " Arab country.",
        ),
    ],
)
def test_show_puts_the_sentence_holding_each_quote_under_it(
    cli: Invoke, record_id: str, line: str
) -> None:
    result = cli("show", record_id, env=WIDE)
    assert result.exit_code == 0, result.stderr
    sentences = [s.strip() for s in result.stdout.splitlines() if "in the article:" in s]
    assert len(sentences) == len(as_json(cli, "show", record_id, "--json")["quotes"])
    assert line in sentences


# --------------------------------------------------------------------------- search


# The Astana talks are dated 25-26 April 2019: before the meeting of the 26th.
TALKS = "mcis2018-pakistan mcis2018-russia mcis2018-serbia 2019-astana-talks mcis2019-russia"
TALKS += " army2020-russia"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("terrorism against fight", "2019-astana-talks"),
        ('"fight against terrorism"', "2019-astana-talks"),
        ("refugees", "mcis2018-russia"),
        ("refugees OR Ankara", "2018-ankara-summit mcis2018-russia"),  # its title says Ankara
        ("talks", f"mcis2018-belarus mcis2018-kazakhstan {TALKS}"),
        ("-- talks -kazakhstan", f"mcis2018-belarus {TALKS}"),
        ("talks --not kazakhstan", f"mcis2018-belarus {TALKS}"),
        ("talks --not kazakhstan --not belarus", TALKS),
    ],
)
def test_search_operators_select_the_records(cli: Invoke, query: str, expected: str) -> None:
    assert ids(cli, "search", *shlex.split(query)) == expected


def test_search_exact_phrase_needs_the_words_in_that_order(cli: Invoke) -> None:
    (found,) = as_json(cli, "search", '"fight against terrorism"', "--json")
    matches = [(m["field"], m["term"]) for m in found["search"]["matches"]]
    assert matches == [("summary", "fight against terrorism")]
    result = cli("search", '"terrorism against fight"', "--json")
    assert result.exit_code == 1 and result.stdout == "[]\n"


SYRIA = "mcis2018-kazakhstan mcis2018-russia 2018-ankara-summit 2019-astana-talks"
SYRIA += f" mcis2019-russia {ASSAD}"
SHOIGU_ALL = f"mcis2018-russia 2018-ankara-summit {SHOIGU_LATER} 2020-arms-embargo"
PREFIXED = f"""
topic:syria         | topics       | {SYRIA}
person:shoigu       | participants commented | {SHOIGU_ALL}
country:serbia      | participants | mcis2018-serbia
quote:terrorism     | quotes       | mcis2018-russia
summary:refugees    | summary      | mcis2018-russia
title:address       | title        | mcis2018-address
event:army          | event        | army2020-russia
location:Nur-Sultan | location     | 2019-astana-talks
notes:paraphrase    | notes        | mcis2018-russia
"""


@pytest.mark.parametrize("row", PREFIXED.strip().splitlines())
def test_search_field_prefix_looks_in_that_field_only(cli: Invoke, row: str) -> None:
    query, field, expected = (cell.strip() for cell in row.split("|"))
    found = as_json(cli, "search", query, "-n", "0", "--json")
    assert " ".join(r["id"] for r in found) == expected
    # A context item's people are labelled by their part in it: Shoigu commented on Ankara.
    assert {m["field"] for r in found for m in r["search"]["matches"]} == set(field.split())
    if query == "topic:syria":  # without the prefix, the word is found elsewhere too
        plain = as_json(cli, "search", "syria", "--json")
        assert {"summary", "title"} <= {m["field"] for r in plain for m in r["search"]["matches"]}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("persn:x",), "no field 'persn:' in 'persn:x' (did you mean 'person'?)"),
        (("Ankara", "OR"), "OR in 'Ankara OR' needs a word on each side"),
        (("OR",), "needs a word on each side"),
        (("--", "-talks"), "nothing to search for"),
        (("--in", "sources", "country:iran"), "field prefixes"),
    ],
)
def test_search_rejects_malformed_queries_with_exit_2(
    cli: Invoke, args: tuple[str, ...], message: str
) -> None:
    result = cli("search", "--json", *args)
    assert result.exit_code == 2 and result.stdout == ""
    assert message in result.stderr


def test_search_in_sources_gives_article_offsets_and_takes_filters(cli: Invoke) -> None:
    found = as_json(cli, "search", "--in", "sources", "terrorism", "-n", "0", "--json")
    expected = "iranproject-2018-04-07 unnamed-2018-04-06 presstv-mcis2019 mehr-mcis2018"
    assert " ".join(r["id"] for r in found) == expected  # "terrorist" is another word
    assert [r["search"]["score"] for r in found] == [100.0] * 4
    listed = {s["id"]: s for s in as_json(cli, "sources", "--json")}
    for record in found:
        assert record["search"]["record"] == "source"
        for key in ("outlet", "title", "published", "file"):
            assert record[key] == listed[record["id"]][key]
        text = as_json(cli, "source", record["id"], "--json")["text"]
        for match in record["search"]["matches"]:
            assert match["field"] == "text"
            assert text[match["start"] : match["end"]] == match["matched"]
    assert ids(cli, "search", "--in", "sources", "Ankara") == "mehr-mcis2018"
    refugees = ids(cli, "search", "--in", "sources", "--", "refugees", "-ankara")
    assert refugees == "iranproject-2018-04-07"
    # filters keep the articles cited by the meetings they select
    sources = ("search", "--in", "sources", "terrorism")
    assert ids(cli, *sources, "--year", "2019") == "presstv-mcis2019"
    assert ids(cli, *sources, "--person", "Vulin") == "iranproject-2018-04-07 unnamed-2018-04-06"
    result = cli("search", "--in", "sources", "Ankara", "--from", "2019", "--json")
    assert result.exit_code == 1 and result.stdout == "[]\n"


# --------------------------------------------------------------------------- filters


CONTEXT_2018 = "2018-arrival-remarks 2018-jcpoa-remarks 2018-ankara-summit 2018-us-jcpoa-deadline"
CONTEXT_LATER = "2018-jcpoa-remarks 2018-us-jcpoa-deadline 2019-astana-talks 2019-12-joint-drills"
CONTEXT_2020 = "2020-unsc-vote 2020-arrival-remarks 2020-jalali-remarks 2020-visit-remarks"
CONTEXT_2020 += " 2020-arms-embargo"
FILTERED = f"""
context --year 2019                 | 2019-astana-talks 2019-12-joint-drills
context --year 2020                 | {CONTEXT_2020}
context --to 2018                   | {CONTEXT_2018}
context --from 2018-04-05           | {CONTEXT_LATER} {CONTEXT_2020}
context --country Turkey            | 2018-ankara-summit
context --topic syria               | 2018-ankara-summit 2019-astana-talks {ASSAD}
context --person Shoygu             | 2018-ankara-summit 2020-arms-embargo
context --with Shoigu --with Putin  | 2018-ankara-summit
people --country Russia             | sergei-shoigu vladimir-putin
people --with Shoigu                | amir-hatami sergei-shoigu
people --year 2020                  | amir-hatami sergei-shoigu
people --year 2019 --country Russia | sergei-shoigu
events --person Vulin               | mcis-2018
events --year 2019                  | mcis-2019
events --country Belarus            | mcis-2018
sources --year 2018                 | iranproject-2018-04-07 unnamed-2018-04-06 mehr-mcis2018
sources --year 2019                 | presstv-mcis2019
sources --person Vulin              | iranproject-2018-04-07 unnamed-2018-04-06
"""


@pytest.mark.parametrize("row", FILTERED.strip().splitlines())
def test_list_commands_take_the_filters(cli: Invoke, row: str) -> None:
    args, expected = row.split("|")
    assert ids(cli, *args.split()) == expected.strip()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            "--person Vulin",
            "event:mcis-2018 meeting:mcis2018-serbia person:aleksandar-vulin person:amir-hatami"
            " source:iranproject-2018-04-07 source:unnamed-2018-04-06",
        ),
        (
            "--year 2020",
            "context:2020-arms-embargo context:2020-arrival-remarks context:2020-jalali-remarks"
            " context:2020-unsc-vote context:2020-visit-remarks event:army-2020"
            " meeting:army2020-russia person:amir-hatami person:sergei-shoigu",
        ),
    ],
)
def test_audit_filters_keep_findings_about_the_kept_records(
    cli: Invoke, args: str, expected: str
) -> None:
    every = as_json(cli, "audit", "--json")
    kept = as_json(cli, "audit", *args.split(), "--json")
    about = {f"{f['record']}:{f['id']}" for f in kept}
    assert sorted(about) == expected.split()
    assert kept == [f for f in every if f"{f['record']}:{f['id']}" in about]


NO_MATCH = "context --year 1999|context --person Zzyzx|people --year 1999|people --with Zzyzx"
NO_MATCH += "|events --year 1999|events --person Zzyzx|sources --year 1999|audit --year 1999"


@pytest.mark.parametrize("args", [*NO_MATCH.split("|"), "pairs --year 1999"])
def test_nothing_matching_exits_1_with_empty_json_or_csv_header(cli: Invoke, args: str) -> None:
    command, *filters = args.split()
    header = cli(command, "-f", "csv").stdout.splitlines()[0]
    empty = cli(command, *filters, "--json")
    assert (empty.exit_code, empty.stdout) == (1, "[]\n")
    # (After any note on what the filters left out: undated items, say.)
    assert empty.stderr.splitlines()[-1].startswith("meetings: no ")
    table = cli(command, *filters, "-f", "csv")
    assert (table.exit_code, table.stdout) == (1, header + "\n")


@pytest.mark.parametrize("command", ["context", "people", "events", "sources", "audit"])
@pytest.mark.parametrize("flag", ["topic", "country"])
def test_unknown_filter_values_exit_2_listing_the_values(
    cli: Invoke, command: str, flag: str
) -> None:
    result = cli(command, f"--{flag}", "Narnia", "--json")
    assert result.exit_code == 2 and result.stdout == ""
    first = {"topic": "bilateral-relations", "country": "Belarus"}[flag]
    assert f"no {flag} 'Narnia'; {flag} values: {first}, " in result.stderr


# --------------------------------------------------------------------------- --sort, --reverse


def test_sort_orders_numbers_as_numbers_and_ties_in_the_usual_order(cli: Invoke) -> None:
    usual = ids(cli, "people").split()
    by_count = as_json(cli, "people", "--sort", "meetings", "--json")
    assert [p["meetings"] for p in by_count] == [0] * 7 + [1] * 5 + [3, 8]
    for count in (0, 1):
        tied = [p["id"] for p in by_count if p["meetings"] == count]
        assert tied == [i for i in usual if i in tied]
    down = ids(cli, "people", "--sort", "meetings", "-r").split()
    assert down[:4] == ["amir-hatami", "sergei-shoigu", "aleksandar-vulin", "andrei-ravkov"]
    assert [r["count"] for r in csv_rows(cli, "pairs", "--sort", "count")] == ["1"] * 5 + ["3"]


def test_sort_orders_text_ignoring_case(cli: Invoke) -> None:
    texts = [r["text"] for r in csv_rows(cli, "quotes", "--sort", "text")]
    assert texts == sorted(texts, key=str.casefold) != sorted(texts)
    starts = [t[:12] for t in texts[9:13]]
    assert starts == ["the flaws", "The Islamic ", "The military", "the two coun"]
    assert ids(cli, "events", "--sort", "name") == "army-2020 mcis-2018 mcis-2019"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ("--sort published", "unnamed iranproject army2020 presstv mehr"),
        ("--sort published -r", "iranproject unnamed army2020 presstv mehr"),
        ("--sort outlet", "mehr presstv iranproject unnamed army2020"),
        ("--sort outlet -r", "iranproject presstv mehr unnamed army2020"),
        ("-r", "mehr presstv army2020 unnamed iranproject"),
    ],
)
def test_sort_puts_empty_values_last_in_both_directions(
    cli: Invoke, args: str, expected: str
) -> None:
    found = ids(cli, "sources", *args.split()).split()
    assert [i.split("-")[0] for i in found] == expected.split()


def test_sort_by_date_reversed_keeps_ties_and_undated_items_last(cli: Invoke) -> None:
    in_2018 = ids(cli, "list", "--year", "2018")
    assert ids(cli, "list", "--sort", "date", "-r") == f"army2020-russia mcis2019-russia {in_2018}"
    dates = [m["date"] for m in as_json(cli, "list", "--json", "--sort", "date", "-r")]
    assert dates == sorted(dates, reverse=True)
    dated = "2020-arms-embargo 2020-arrival-remarks 2020-jalali-remarks 2020-visit-remarks"
    dated += " 2020-unsc-vote 2019-12-joint-drills 2019-astana-talks 2018-us-jcpoa-deadline"
    dated += " 2018-ankara-summit 2018-arrival-remarks 2018-jcpoa-remarks"
    undated = " ".join(ids(cli, "context").split()[11:])
    assert ids(cli, "context", "--sort", "date", "-r") == f"{dated} {undated}"
    assert ids(cli, "search", "syria", "--sort", "date", "-r") == (
        "mcis2019-russia 2019-astana-talks 2018-ankara-summit mcis2018-kazakhstan"
        " mcis2018-russia " + ASSAD
    )


REVERSIBLE = "list|context|people|events|sources|audit|pairs|quotes|search syria"


@pytest.mark.parametrize("args", [*REVERSIBLE.split("|"), "search --in sources terrorism"])
def test_reverse_alone_turns_the_usual_order_round(cli: Invoke, args: str) -> None:
    words = args.split()
    usual, reversed_ = as_json(cli, *words, "--json"), as_json(cli, *words, "-r", "--json")
    if words[0] in ("list", "context", "quotes"):  # date order: newest first, ties as usual
        dated = [r for r in usual if r["date"]]
        assert [r["date"] for r in reversed_ if r["date"]] == sorted(
            (r["date"] for r in dated), reverse=True
        )
        for day in {r["date"] for r in dated}:
            tied = [r for r in usual if r["date"] == day]
            assert [r for r in reversed_ if r["date"] == day] == tied
        assert csv_rows(cli, *words, "--reverse") == csv_rows(cli, *words, "--sort", "date", "-r")
        return
    assert csv_rows(cli, *words, "--reverse") == csv_rows(cli, *words)[::-1]
    assert reversed_ == usual[::-1]


@pytest.mark.parametrize(
    ("args", "bad", "hint"),
    [
        (
            "list",
            "dat",
            " (did you mean 'date', 'date_end', 'date_candidates', 'date_precision' or"
            " 'date_basis'?)",
        ),
        ("audit", "isue", " (did you mean 'issue'?)"),
        ("stats", "cont", " (did you mean 'count'?)"),
        ("search syria", "scor", " (did you mean 'score'?)"),
        ("search --in sources Ankara", "outlt", " (did you mean 'outlet'?)"),
        ("pairs", "xx", ""),
    ],
)
def test_sort_by_an_unknown_field_lists_the_fields(
    cli: Invoke, args: str, bad: str, hint: str
) -> None:
    header = cli(*args.split(), "-f", "csv").stdout.splitlines()[0].replace(",", ", ")
    result = cli(*args.split(), "--sort", bad)
    assert result.exit_code == 2 and result.stdout == ""
    assert f"cannot sort by {bad!r}{hint}: the fields are {header}" in result.stderr


def test_stats_sorts_within_each_dimension(cli: Invoke) -> None:
    rows = csv_rows(cli, "stats", "--sort", "count")
    assert list(dict.fromkeys(r["dimension"] for r in rows)) == ["year", "country", "kind", "topic"]
    assert [r["value"] for r in rows if r["dimension"] == "year"] == ["2019", "2020", "2018"]
    assert [r["value"] for r in rows if r["dimension"] == "country"][-2:] == ["Russia", "Iran"]
    by_value = as_json(cli, "stats", "--sort", "value", "-r", "--json")
    assert list(by_value["year"]) == ["2020", "2019", "2018"]
    assert list(by_value["kind"]) == ["conference-address", "bilateral-talks"]


@pytest.mark.parametrize("args", ["terorism OR Ankara", "--in sources terorism OR Ankara -n 0"])
def test_search_sort_score_orders_scores_as_numbers(cli: Invoke, args: str) -> None:
    found = as_json(cli, "search", *shlex.split(args), "--sort", "score", "--json")
    scores = [r["search"]["score"] for r in found]
    assert len(set(scores)) > 1 and scores == sorted(scores)


# --------------------------------------------------------------------------- a newcomer's findings


def test_quotes_takes_several_speakers_as_alternatives(cli: Invoke) -> None:
    rows = csv_rows(cli, "quotes", "--speaker", "Hatami", "--speaker", "Шойгу")
    assert {row["speaker_id"] for row in rows} == {"amir-hatami", "sergei-shoigu"}
    alone = csv_rows(cli, "quotes", "--speaker", "Hatami")
    assert len(rows) == len(alone) + len(csv_rows(cli, "quotes", "--speaker", "Shoigu"))


def test_passages_are_marked_where_a_terminal_draws_no_styles(cli: Invoke) -> None:
    plain = cli("--color", "never", "source", "mehr-mcis2018", "--quote").stdout
    assert plain.count(">>> ") == 3
    styled = cli("--color", "always", "source", "mehr-mcis2018", "--quote").stdout
    assert ">>> " not in styled and "\x1b[" in styled


def test_search_cuts_to_the_limit_after_sorting(cli: Invoke) -> None:
    every = as_json(cli, "search", "terorism", "-n", "0", "--json")
    assert len(every) > 2
    newest = as_json(cli, "search", "terorism", "--sort", "date", "-r", "-n", "1", "--json")
    assert newest[0]["date"] == max(hit["date"] or "" for hit in every)
    worst = as_json(cli, "search", "terorism", "--reverse", "-n", "1", "--json")
    assert worst[0]["search"]["score"] == min(hit["search"]["score"] for hit in every)


def test_a_lower_case_or_that_finds_nothing_gets_a_hint(cli: Invoke) -> None:
    result = cli("search", "belarus or serbia")
    assert result.exit_code == 1
    assert "write OR in capitals" in result.stderr
    assert ids(cli, "search", "belarus OR serbia") == "mcis2018-belarus mcis2018-serbia"


def test_sort_fields_ignore_case(cli: Invoke) -> None:
    assert ids(cli, "list", "--sort", "KIND") == ids(cli, "list", "--sort", "kind")


def test_source_given_another_kind_of_id_says_what_it_is(cli: Invoke) -> None:
    result = cli("source", "mcis2018-russia")
    assert result.exit_code == 1
    assert (
        "mcis2018-russia is a meeting, whose sources are iranproject-2018-04-07," in result.stderr
    )


def test_source_csv_without_a_choice_of_passages_says_how_to_choose(cli: Invoke) -> None:
    result = cli("source", "mehr-mcis2018", "-f", "csv")
    assert (result.exit_code, result.stdout) == (0, ",".join(PASSAGE_COLUMNS) + "\n")
    assert "add --quote" in result.stderr


PASSAGE_COLUMNS = ("source", "record", "id", "speaker_id", "speaker", "text", "start", "end")
