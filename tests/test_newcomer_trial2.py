"""Issue 26: the second newcomer's trial, defect by defect (tests/../audits/newcomer-trial-2)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from conftest import DATA, Invoke

from meetings_cli.app import main_status

# ----------------------------------------------------------------------------- 8


def test_show_person_marks_what_the_curators_supplied_as_who_does(cli: Invoke) -> None:
    shown = " ".join(cli("show", "amir-hatami").stdout.split())
    assert "Native names: امیر حاتمی (Persian) [curator]" in shown
    assert "[curator] the curators' own" in shown  # and the legend
    putin = " ".join(cli("show", "vladimir-putin").stdout.split())
    assert "Country: Russia [curator]" in putin
    assert "Role: President of Russia [curator]" in putin
    assert "Curator fields" not in putin  # said by the marks
    vulin = cli("show", "aleksandar-vulin").stdout
    assert "Minister of Defence of Serbia [inferred]" in vulin
    assert "[inferred] worked out by the curators" in " ".join(vulin.split())


# ----------------------------------------------------------------------------- 12, 36


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (
            ["list", "--year", "18"],
            "nothing in 18: the data covers 2018–2020 (did you mean 2018?)",
        ),
        (["list", "--year", "2030"], "nothing in 2030: the data covers 2018–2020"),
        (
            ["list", "--year", "1018"],
            "nothing in 1018: the data covers 2018–2020 (did you mean 2018?)",
        ),
        (["list", "--year", "2091"], "(did you mean 2019?)"),
        (
            ["list", "--with", "Putin"],
            "Vladimir Putin took part in no meeting; in context (meetings context --person"
            " 'Putin'): 2018-ankara-summit (named)",
        ),
        (
            ["search", "refugees", "--year", "2019"],
            "'refugees' is in 1 record, none of them kept by --year 2019",
        ),
        (["list", "--country", "Syria"], "--country 'Syria' keeps no meeting"),
        (
            ["events", "--from", "2021"],
            "--from '2021' keeps no meeting (the meetings run from 2018-04-03 to 2020-08-23)",
        ),
        (
            ["list", "--disputed", "--year", "2019"],
            "--year 2019 keeps 1 meeting and --disputed keeps 1 meeting, but no meeting is kept"
            " by both",
        ),
        (
            ["people", "--country", "Syria", "--year", "2019"],
            "--year 2019 keeps 2 people and --country 'Syria' keeps 1 person, but no person is"
            " kept by both",
        ),
        (["context", "--country", "Serbia"], "--country 'Serbia' keeps no context item"),
        (
            ["quotes", "--year", "2019", "--country", "Serbia"],
            "--year 2019 keeps 2 quotes and --country 'Serbia' keeps 1 quote, but no quote is"
            " kept by both",
        ),
        (
            ["quotes", "--speaker", "Jalali", "--year", "2018"],
            "Jalali has 1 quote, none of them kept by --year 2018",
        ),
        (["quotes", "--speaker", "Zhasuzakov"], "Zhasuzakov is quoted nowhere in the data"),
        (["pairs", "--year", "18"], "no pairs of people met in the meetings that match: nothing"),
        (["graph", "--with", "Putin"], "Vladimir Putin took part in no meeting; in context"),
        (["audit", "--year", "18"], "(did you mean 2018?)"),
        (
            ["context", "--person", "Putin", "--year", "2019"],
            "--year 2019 keeps 2 context items and --person 'Putin' keeps 1 context item",
        ),
        (
            ["list", "--country", "Turkey"],
            "in context (meetings context --country 'Turkey'): 2018-ankara-summit",
        ),
        (
            ["search", "Shoigu", "--in", "sources", "--year", "2021"],
            "'Shoigu' is in 4 articles, none of them kept by --year 2021 (nothing in 2021: the"
            " data covers 2018–2020)",
        ),
    ],
)
def test_an_empty_answer_says_why(cli: Invoke, args: list[str], said: str) -> None:
    result = cli(*args)
    assert result.exit_code == 1
    assert said in result.stderr


# ----------------------------------------------------------------------------- 18, 22


def test_timeline_ids_lead_to_the_evidence(cli: Invoke) -> None:
    out = cli("timeline", "--ids", "--year", "2019", env={"COLUMNS": "120"}).stdout
    (line,) = [line for line in out.splitlines() if "Sergei Shoigu" in line]
    assert line.rstrip().endswith("mcis2019-russia")
    assert "mcis2019-russia" not in cli("timeline", "--year", "2019").stdout


def test_color_never_drops_colour_not_the_layout(cli: Invoke) -> None:
    env = {"FORCE_COLOR": "1", "TERM": "xterm", "COLUMNS": "100"}
    never = cli("--color", "never", "timeline", env=env).stdout
    assert "\x1b[" not in never
    assert "─" in never.splitlines()[0] and "~3–6 Apr" in never  # as on a terminal
    assert "== 2018 ==" in cli("timeline", env={"COLUMNS": "100"}).stdout  # piped: ASCII


# ----------------------------------------------------------------------------- 21, 23


def test_excel_csv_has_a_byte_order_mark_and_crlf(cli: Invoke) -> None:
    raw = cli("list", "--excel").stdout_bytes.decode("utf-8")
    assert raw.startswith("\ufeffid,title,")
    assert raw.count("\r\n") == raw.count("\n") > 8
    rows = list(csv.DictReader(io.StringIO(raw.removeprefix("\ufeff"))))
    assert len(rows) == 8 and rows[0]["id"] == "mcis2018-russia"
    assert cli("list", "--excel", "--json").exit_code == 2


def test_pictures_have_a_title_and_are_cropped(cli: Invoke, tmp_path: Path) -> None:
    html, svg = tmp_path / "l.html", tmp_path / "l.svg"
    result = cli(
        "list", "--year", "2019", "--html", str(html), "--svg", str(svg), env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0
    assert "<title>meetings list --year 2019</title>" in html.read_text(encoding="utf-8")
    text = svg.read_text(encoding="utf-8")
    width = float(text.split('viewBox="0 0 ', 1)[1].split()[0])
    assert width < 1200  # the table's width, not 200 columns of a terminal (2,400 and more)


# ----------------------------------------------------------------------------- 27, 28


def test_countries_by_other_names_and_no_noise_suggested(cli: Invoke) -> None:
    ids = [
        m["id"] for m in json.loads(cli("list", "--country", "Russian Federation", "--json").stdout)
    ]
    assert ids == [m["id"] for m in json.loads(cli("list", "--country", "Россия", "--json").stdout)]
    assert ids and all("russia" in i for i in ids)
    narnia = cli("list", "--country", "Narnia")
    assert narnia.exit_code == 2 and "did you mean" not in narnia.stderr
    several = cli("list", "--country", "Russia,Serbia")
    assert "give it once per country (--country 'Russia' --country 'Serbia')" in several.stderr


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["Hatami"], "Hint: to look up a person: meetings who 'Hatami'"),
        (["help"], "Hint: meetings --help lists the commands"),
        (["list", "Hatami"], "Hint: filters are options: --person 'Hatami'"),
        (["list", "--year", "2018-2019"], "Hint: give --year once per year"),
        (["timeline", "2019"], "Hint: a year is an option: --year 2019"),
        (["show"], "Hint: give an id as `list`"),
        (["search"], "Hint: give words to look for"),
        (["who"], "Hint: give a name in any spelling or script"),
        (["people", "Iran"], "Hint: a country is an option: --country 'Iran'"),
        (["list", "Россия"], "Hint: a country is an option: --country 'Россия'"),
        (["people", "Hatami"], "Hint: to look up a person: meetings who 'Hatami'; --country"),
        (["events", "mcis-2018"], "Hint: to read one record: meetings show 'mcis-2018'"),
        (["show", "a", "b"], "Hint: show takes one id at a time (meetings show 'a')"),
        (["list", "--year"], "Hint: --year needs a value after it (meetings list --help"),
        (["list", "--year", "--country", "Russia"], "Hint: --year took the option --country"),
        (["list", "--year", "2018,2019"], "Hint: give --year once per year"),
        (["list", "--kind", "talks,address"], "(--kind 'talks' --kind 'address')"),
        (["source"], "Hint: give a source id as `meetings sources` lists it"),
        (["list", "mcis2018-russia"], "Hint: to read one record: meetings show 'mcis2018-russia'"),
        (["quotes", "Hatami"], "Hint: --speaker 'Hatami' keeps what a person said"),
        (["validate", "a", "b"], "Hint: validate takes one dataset folder"),
        (["cache", "clear", "x"], "Hint: clear takes no argument"),
        (["cache", "foo"], "Hint: cache has two commands"),
        (["show", "VII", "MCIS"], "quoted: meetings show 'VII MCIS'"),
        (["list", "help"], "Hint: meetings list --help explains list"),
        (["person", "Shoigu"], "Hint: to look up a person: meetings who 'Shoigu'"),
        (["meetings", "list"], "Hint: the program's name is written once: meetings list"),
        (["who", "--year", "2019", "Shoigu"], "meetings list --with 'Shoigu' --year"),
        (["list", "--csv"], "Hint: did you mean --format csv"),
        (["list", "--type", "talks"], "Hint: did you mean --kind"),
        (["people", "--person", "Shoigu"], "Hint: --with NAME lists the people who met NAME"),
        (["version"], "Hint: meetings --version"),
        (["-y", "2019", "list"], "Hint: a command's options go after it: meetings list -y"),
        (["list", "-year", "2019"], "Hint: a long option takes two dashes: --year"),
        (["context", "Jalali"], "Hint: --person 'Jalali' keeps the items that name a person"),
    ],
)
def test_common_slips_get_a_hint(
    args: list[str], hint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main_status(args) == 2  # as the installed command runs: hints come with usage errors
    assert hint in capsys.readouterr().err


def test_format_names_ignore_case(cli: Invoke) -> None:
    assert json.loads(cli("list", "--format", "JSON", "--year", "2019").stdout)[0]["id"] == (
        "mcis2019-russia"
    )


# ----------------------------------------------------------------------------- 24


def test_help_groups_the_commands_and_never_cuts_a_summary(cli_bare: Invoke) -> None:
    out = cli_bare("--help", env={"COLUMNS": "200"}).stdout
    for group in ("Read the record:", "Look across it:", "Check and keep it:"):
        assert group in out
    commands = out.split("Read the record:", 1)[1]
    assert "..." not in commands  # (the usage line's COMMAND [ARGS]... is Click's)
    assert out.index("Read the record:") < out.index("  list ") < out.index("Look across it:")


@pytest.mark.parametrize("command", ["list", "show", "who", "search", "timeline", "audit"])
def test_each_command_help_shows_examples(cli_bare: Invoke, command: str) -> None:
    out = cli_bare(command, "--help").stdout
    examples = out.split("Examples:", 1)[1].split("Options:", 1)[0]
    assert sum(line.strip().startswith("meetings") for line in examples.splitlines()) >= 2


# ----------------------------------------------------------------------------- 26, 29, 31


def test_data_option_mistakes_are_said(cli_bare: Invoke, tmp_path: Path) -> None:
    empty = cli_bare("--data", str(tmp_path), "list")
    assert empty.exit_code == 2
    assert empty.stderr.startswith("meetings: ") and "no data files (*.yaml)" in empty.stderr
    blank = cli_bare("--data", "", "list")
    assert blank.exit_code == 2 and "--data '' names no folder" in blank.stderr
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    a_file = cli_bare("--data", str(tmp_path / "notes.txt"), "list")
    assert a_file.exit_code == 2 and "is a file, not a dataset" in a_file.stderr


def test_pairs_put_the_better_connected_person_first(cli: Invoke) -> None:
    lines = cli("pairs", env={"COLUMNS": "120"}).stdout.splitlines()[2:]
    rows = [line for line in lines if line and not line.startswith("?")]
    assert rows and all(row.startswith("Amir Hatami (Iran)") for row in rows)


@pytest.mark.parametrize("command", ["list", "context", "quotes"])
def test_reversed_date_order_is_the_same_either_way(cli: Invoke, command: str) -> None:
    def ids(*args: str) -> list[str]:
        return [r["id"] for r in json.loads(cli(command, *args, "--json").stdout)]

    assert ids("-r") == ids("--sort", "date", "-r")


# ----------------------------------------------------------------------------- 33


@pytest.mark.parametrize(
    ("old", "new", "hint"),
    [
        (
            "title: Talks with Belarusian defence minister Andrei Ravkov",
            'title: "Talks with Belarusian defence minister Andrei Ravkov',
            "; hint: a quote opened at 145:12 may be unclosed",
        ),
        ("    kind: bilateral-talks", "    kind:bilateral-talks", "the colon of 'kind:' (line 72)"),
        # Quotes in the text of a > block before it are text, not the quote to blame.
        ("    location: Moscow", "    location: 'Iran's Moscow'", "an apostrophe is written twice"),
        (
            "    location: Moscow",
            "    location: 'Moscow",
            "a quote opened at 70:15 may be unclosed",
        ),
        (
            "topics: [defence-cooperation, counter-terrorism, syria, refugees, regional-security]",
            "topics: [defence-cooperation, counter-terrorism, syria",
            "a '[' opened at 76:13 may lack its ']'",
        ),
        (
            "- {person: amir-hatami, role: Minister of Defence of Iran}",
            "- {person: amir-hatami, role: Minister of Defence of Iran",
            "a '{' opened at 74:9 may lack its '}'",
        ),
        # Inside { }: the quote, not the brace.
        (
            "- {person: amir-hatami, role: Minister of Defence of Iran}",
            '- {person: amir-hatami, role: "Minister of Defence of Iran}',
            "a quote opened at 74:37 may be unclosed",
        ),
        (
            "- {person: amir-hatami, role: Minister of Defence of Iran}",
            "- {person: amir-hatami, role: 'Iran's minister'}",
            "an apostrophe is written twice",
        ),
        (
            "- {person: amir-hatami, role: Minister of Defence of Iran}",
            "- {person: amir-hatami role: Minister of Defence of Iran}",
            "inside the '{' at 74:9, values are set apart by ', '",
        ),
        (
            "- {person: amir-hatami, role: Minister of Defence of Iran}",
            "- {person: amir-hatami,, role: Minister of Defence of Iran}",
            "a value is missing between two ','",
        ),
    ],
)
def test_a_yaml_slip_gets_a_plain_hint(
    cli_bare: Invoke, data_copy: Path, old: str, new: str, hint: str
) -> None:
    path = data_copy / "meetings.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    result = cli_bare("validate", str(data_copy))
    assert result.exit_code == 2
    assert "YAML syntax error" in result.stderr and hint in result.stderr


# ----------------------------------------------------------------------------- 25


def test_a_missing_value_is_one_placeholder_everywhere(cli: Invoke) -> None:
    who = cli("who", "Assad").stdout
    assert "undated" not in who and "— no date given" in who
    for args in (["source", "mehr-mcis2018"], ["show", "mehr-mcis2018"]):
        out = cli(*args).stdout
        assert "not given" not in out.split("Article")[0], args
    assert "— no date given" in " ".join(cli("sources").stdout.split())


# ----------------------------------------------------------------------------- 35


def test_counts_under_a_filter_say_what_they_count(cli: Invoke) -> None:
    people = " ".join(cli("people", "--year", "2019").stdout.split())
    assert "in all years, whatever the filters" in people
    events = " ".join(cli("events", "--year", "2019").stdout.split())
    assert "Engagements: all its records (talks, an address), whatever the filters" in events


def test_show_of_a_context_item_reads_like_a_meeting(cli: Invoke) -> None:
    out = cli("show", "2018-jcpoa-remarks").stdout
    assert "Date:      2018-04-03/06 (range, inferred)" in out
    for raw in ("Date end:", "Date precision:", "Date candidates:"):
        assert raw not in out
    for section in ("Took part", "Summary", "Quotes", "Sources", "Evidence"):
        assert f"\n{section}\n" in out


@pytest.mark.parametrize(
    "command", ["timeline", "quotes", "people", "events", "stats", "sources", "context"]
)
def test_every_listing_says_why_a_year_finds_nothing(cli: Invoke, command: str) -> None:
    result = cli(command, "--year", "18")
    assert result.exit_code == 1
    assert "nothing in 18: the data covers 2018–2020 (did you mean 2018?)" in result.stderr


def test_choices_ignore_case(cli: Invoke) -> None:
    assert cli("--color", "NEVER", "list", "--year", "2019").exit_code == 0
    assert cli("search", "terrorism", "--in", "SOURCES").exit_code == 0
    assert cli("audit", "--issue", "DISAGREEMENT").exit_code == 0
    assert cli("people", "--sort", "talks", "-r").exit_code == 0


def test_top_level_help_ends_with_examples(cli_bare: Invoke) -> None:
    out = cli_bare("--help").stdout
    examples = out.split("Examples:", 1)[1]
    assert sum(line.strip().startswith("meetings ") for line in examples.splitlines()) >= 5


def test_numbers_are_refused_in_plain_words_and_help_has_no_click_jargon(cli: Invoke) -> None:
    assert "'abc' is not a year (a whole number, such as 2019)" in cli("list", "-y", "abc").stderr
    assert "0 is not a year: give 1 to 9999" in cli("list", "--year", "0").stderr
    limit = cli("search", "x", "--limit", "-1").stderr
    assert "-1 is not a number of results: give 0 to 2,147,483,648" in limit
    for command in ("list", "search", "timeline", "quotes"):
        shown = cli(command, "--help").stdout
        assert "<=" not in shown and "int range" not in shown and "INTEGER" not in shown


@pytest.mark.parametrize(
    "args",
    [["list", "--year", "x" * 5000], ["x" * 5000], ["list", "--" + "x" * 5000],
     ["list", "--format", "x" * 5000], ["list", "--sort", "x" * 5000], ["show", "x" * 5000],
     ["export", "x" * 5000], ["list", "--svg", "x" * 5000], ["--data", "x" * 5000, "list"],
     ["validate", "x" * 5000]],
    ids=["year", "command", "option", "format", "sort", "show", "export", "svg", "data",
         "validate"],
)  # fmt: skip
def test_a_long_argument_is_cut_in_every_message(args: list[str]) -> None:
    import contextlib
    import io

    from meetings_cli.app import main_status

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = main_status(args if "x" * 5000 in args[:2] else ["--data", str(DATA), *args])
    assert status in (1, 2)  # never 3
    lines = err.getvalue().splitlines()
    assert any("(5,000 characters)" in line or "(5,002 characters)" in line for line in lines)
    assert all(len(line) < 400 for line in lines), max(map(len, lines))


def test_a_count_and_a_field_have_one_name_in_every_view(cli: Invoke) -> None:
    shown, who, people = (cli(*args).stdout for args in
                          (["show", "amir-hatami"], ["who", "Hatami"], ["people"]))  # fmt: skip
    assert "Engagements:  8" in shown and "Meetings:" not in shown
    assert "Engagements (8: 7 talks, 1 other)" in who
    assert people.splitlines()[0].split()[-2:] == ["Talks", "Engagements"]
    for view in (shown, who):
        assert "Native names: امیر حاتمی" in view and "Other names:" in view
        assert "Spellings:    Amir Hatami; Hatami; General Hatami" in view


def test_prose_gets_the_width_at_80_columns(cli: Invoke) -> None:
    from test_views import draw

    listed = draw(cli, ["list"], 80).splitlines()
    assert "Shoigu (Russia)" in listed[3] and "Dastgir Khan (Pakistan)" in "\n".join(listed)
    quotes = draw(cli, ["quotes"], 80).splitlines()
    assert quotes[0].split() == ["Date", "/", "speaker", "Quote", "In", "/", "source"]
    assert quotes[3].startswith("Amir Hatami") and len(quotes[2].split("“")[1]) > 30
    timeline = draw(cli, ["timeline", "--ids"], 80).splitlines()
    ids = [line for line in timeline if line.rstrip().endswith(("russia", "kazakhstan", "address"))]
    assert len(ids) >= 5 and len({line.rindex(" ") for line in ids}) == 1  # one ID column


@pytest.mark.parametrize(
    "command", [["timeline"], ["list"], ["show", "mcis2018-russia"], ["people"]]
)
def test_color_always_into_a_pipe_pads_no_line(cli: Invoke, command: list[str]) -> None:
    drawn = cli("--color", "always", *command, env={"COLUMNS": "80"}).stdout
    assert "\x1b[" in drawn
    assert not any(re.search(r" (\x1b\[[0-9;]*m)*$", line) for line in drawn.splitlines())


@pytest.mark.parametrize(
    ("words", "offered"),
    [
        ("meetings list --country ru", "Russia"),
        ("meetings list --country Росс", "'Россия'"),
        ("meetings list --topic REF", "refugees"),
        ("meetings list --sort DA", "date"),
        ("meetings who sho", "Shoigu"),
        ("meetings show MCIS2018-P", "mcis2018-pakistan"),
        ("meetings audit --issue DIS", "disagreement"),
        ("meetings who Серге", "'Сергей Шойгу'"),  # the native name, not only its fold's other
        ("meetings list --kind tal", "talks"),  # list's word for a kind
        ("meetings list --event vii", "'VII MCIS'"),
        ("meetings list --year 20", "2019"),
    ],
)
def test_tab_completes_whatever_the_case_typed(words: str, offered: str) -> None:
    from test_cli_reports import complete

    assert offered in complete(words).stdout.split("\n")


def test_a_long_title_wraps_under_itself_not_under_the_id(cli: Invoke) -> None:
    from test_views import draw

    lines = draw(cli, ["show", "2018-us-jcpoa-deadline"], 60).splitlines()
    indent = len("2018-us-jcpoa-deadline  ")
    assert lines[0].startswith("2018-us-jcpoa-deadline  The US")
    assert lines[1].startswith(" " * indent) and lines[1].strip()


def test_an_svg_has_a_title_element(tmp_path: Path) -> None:
    import xml.dom.minidom

    from meetings_cli.render.draw import draw as draw_view
    from meetings_cli.render.views import meeting_table

    svg = tmp_path / "hostile.svg"
    draw_view(io.StringIO(), meeting_table([]), svg=svg, title="meetings search '<b>&{x}'")
    text = svg.read_text(encoding="utf-8")
    assert "<title>meetings search &#x27;&lt;b&gt;&amp;{x}&#x27;</title>" in text
    xml.dom.minidom.parseString(text)  # well-formed


def test_graph_as_a_picture_points_to_graphviz(capsys: pytest.CaptureFixture[str]) -> None:
    assert main_status(["graph", "--svg", "g.svg"]) == 2
    assert "Hint: graph writes Graphviz DOT: meetings graph | dot -Tsvg" in capsys.readouterr().err


def test_a_filtered_search_finds_the_context_items_the_filters_keep(cli: Invoke) -> None:
    hits = json.loads(cli("search", "Jalali", "--year", "2020", "--json").stdout)
    assert "2020-jalali-remarks" in [h["id"] for h in hits]
    none = cli("search", "Jalali", "--year", "2019")
    assert none.exit_code == 1
    assert "'Jalali' is in 2 records, none of them kept by --year 2019" in none.stderr


def test_a_misspelt_command_keeps_clicks_suggestion_and_no_other(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main_status(["lst"]) == 2
    err = capsys.readouterr().err
    assert "Did you mean 'list'?" in err and "Hint" not in err
    assert main_status(["LIST"]) == 2
    assert "Hint: commands are written in lower case: meetings list" in capsys.readouterr().err


def test_the_people_table_gives_the_role_room_at_80_columns(cli: Invoke) -> None:
    from test_views import draw

    lines = draw(cli, ["people"], 80).splitlines()
    header = lines[0]
    assert header.index("Role") <= 40  # names and countries no wider than they are
    assert any(line.startswith("[curator]") for line in lines)  # marks under the names
    atamkulov = next(line for line in lines if line.startswith("Beibut Atamkulov"))
    assert atamkulov.split()[-2:] == ["1?", "1?"]  # both counts hold the disputed seat


def test_a_hint_replaces_clicks_guess_at_the_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main_status(["list", "--csv"]) == 2
    err = capsys.readouterr().err
    assert "Possible options" not in err and "Hint: did you mean --format csv" in err


def test_cache_help_never_cuts_a_summary_and_shows_examples(cli_bare: Invoke) -> None:
    shown = cli_bare("cache", "--help", env={"COLUMNS": "200"}).stdout
    assert "has one)." in shown and "in use..." not in shown
    assert "meetings cache path" in cli_bare("cache", "path", "--help").stdout


def test_the_events_table_fits_80_columns_with_its_counts_aligned(cli: Invoke) -> None:
    from test_views import draw

    lines = draw(cli, ["events"], 80).splitlines()
    assert lines[0].split() == ["Dates", "ID", "Name", "/", "location", "Talks", "Engagements"]
    first = next(line for line in lines if line.startswith("4–5 Apr 2018"))
    assert first.endswith("5            6")  # both counts right-aligned


def test_tab_offers_no_homonym() -> None:
    from test_cli_reports import complete

    assert complete("meetings who Imr").stdout.strip() == ""  # Imran Khan is not in the data
    assert "Mohammad Khatami" not in complete("meetings who Moh").stdout


def test_people_sort_by_the_name_the_table_shows(cli: Invoke) -> None:
    by_table_name = cli("people", "--sort", "engagements", "-r", "--json")
    assert json.loads(by_table_name.stdout)[0]["id"] == "amir-hatami"


@pytest.mark.parametrize("argv", [["list", ""], ["show", "a", ""], ["events", ""], ["quotes", " "]])
def test_an_empty_extra_argument_gets_a_hint_not_a_crash(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main_status(argv) == 2
    assert "Hint:" in capsys.readouterr().err


def test_validate_of_an_empty_name_is_refused(cli_bare: Invoke) -> None:
    result = cli_bare("validate", "")
    assert result.exit_code == 2 and "validate '' names no folder" in result.stderr


def test_search_in_sources_speaks_of_articles(cli: Invoke) -> None:
    assert "no article mentions 'tanks'" in cli("search", "tanks", "--in", "sources").stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["refugees", "Belarus"], "'refugees' is in 1 record and 'Belarus' is in 1 record, but no"
         " record holds both"),
        (["--", "refugees", "-Syria"], "-Syria left out the 1 record holding 'refugees'"),
    ],
)  # fmt: skip
def test_a_search_that_finds_nothing_says_which_words_held_apart(
    cli: Invoke, args: list[str], said: str
) -> None:
    result = cli("search", *args)
    assert result.exit_code == 1 and said in result.stderr


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("2018-4-3", "(did you mean 2018-04-03?)"),
        ("2019-02-30", "'2019-02-30' is not in the calendar"),
    ],
)
def test_a_date_slip_is_said_plainly(cli: Invoke, value: str, said: str) -> None:
    result = cli("list", "--from", value)
    assert result.exit_code == 2 and said in result.stderr


def test_small_message_mends(cli: Invoke) -> None:
    empty = cli("list", "--person", "")
    assert empty.exit_code == 2 and "--person '' names no one" in empty.stderr
    assert "(the records run from 2018-04-03 to 2020-10-18)" in cli("quotes", "--to", "2010").stderr
    khan = cli("who", "Khan").stderr
    assert "Khurram Dastgir Khan (100); or Imran Khan, Prime Minister" in khan


def test_events_csv_has_the_counts_and_dates_the_table_shows(cli: Invoke) -> None:
    rows = list(csv.DictReader(io.StringIO(cli("events", "-f", "csv").stdout)))
    assert (rows[0]["start"], rows[0]["end"], rows[0]["talks"]) == ("2018-04-04", "2018-04-05", "5")
    by_talks = json.loads(cli("events", "--sort", "talks", "-r", "--json").stdout)
    assert by_talks[0]["id"] == "mcis-2018"


def test_a_search_snippet_marks_the_last_name_before_the_country_too(cli: Invoke) -> None:
    from test_views import draw

    assert "Сергій Шойгу [curator]; Russia" in " ".join(
        draw(cli, ["search", "Сергій"], 200).split()
    )


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["list", "--svg", "--json"], "--svg took the option --json as its value"),
        (["list", "--person", "--disputed"], "--person took the option --disputed as its value"),
        (["list", "--sort", "--reverse"], "--sort took the option --reverse as its value"),
        (["list", "--data", "--json"], "--data took the option --json as its value"),
        (["list", "--person", "--year", "2019"], "Hint: --person took the option --year"),
        (["quotes", "--speaker", "--year", "2019"], "Hint: --speaker took the option --year"),
    ],
)
def test_an_option_never_takes_another_option_as_its_value(
    argv: list[str], said: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    assert main_status(argv) == 2
    assert said in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # no file named --json


def test_show_takes_an_events_name_and_context_points_to_meetings(cli: Invoke) -> None:
    assert cli("show", "VII MCIS").stdout.startswith("mcis-2018  VII Moscow Conference")
    serbia = cli("context", "--country", "Serbia").stderr
    assert "in meetings (meetings list --country 'Serbia'): mcis2018-serbia" in serbia
    blank = cli("list", "--person", " ")
    assert blank.exit_code == 2 and "--person ' ' is only spaces" in blank.stderr


@pytest.mark.parametrize(
    ("args", "said", "status"),
    [
        (["pairs", "--kind", "conference-address"], "the 1 meeting kept had one participant", 1),
        (["list", "--person", "Shoigu,Vulin"], "(one name each time: --person 'Shoigu'", 1),
        (["who", ""], "who '' names no one", 2),
        (["quotes", "--speaker", ""], "--speaker '' names no one", 2),
    ],
)
def test_more_empty_and_blank_answers_say_why(
    cli: Invoke, args: list[str], said: str, status: int
) -> None:
    result = cli(*args)
    assert result.exit_code == status and said in result.stderr


def test_the_stacked_events_legend_stands_apart(cli: Invoke) -> None:
    from test_views import draw

    lines = draw(cli, ["events"], 60).splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("Talks: meetings with"))
    assert lines[at - 1] == ""


@pytest.mark.parametrize(("command", "width"), [("quotes", 60), ("people", 70), ("events", 66)])
def test_a_prose_column_is_stacked_rather_than_starved(
    cli: Invoke, command: str, width: int
) -> None:
    from test_views import draw

    drawn = draw(cli, [command], width)
    assert "────" not in drawn.splitlines()[1]  # no table rule: label: value blocks
    assert max(map(len, drawn.splitlines())) <= width


def test_a_context_items_search_csv_row_names_who_took_part(cli: Invoke) -> None:
    rows = csv.DictReader(
        io.StringIO(cli("search", "Jalali", "--year", "2020", "-f", "csv").stdout)
    )
    jalali = next(r for r in rows if r["id"] == "2020-jalali-remarks")
    assert (jalali["participant_ids"], jalali["countries"]) == ("kazem-jalali", "Iran")


def test_a_web_address_is_searched_as_words_not_a_field(cli: Invoke) -> None:
    result = cli("search", "http://x.com")
    assert result.exit_code == 1 and "no field" not in result.stderr
    assert "no record mentions 'http'" in result.stderr


def test_an_unknown_kind_lists_the_kinds_in_both_forms(cli: Invoke) -> None:
    said = cli("list", "--kind", "foo").stderr
    assert "bilateral-talks" in said and "(or as `list` writes them: talks," in said
