"""Search a reporter can trust (issue 23): no word turned into another, the words
reporters type, queries of any length, one grammar after --, honest snippets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import Invoke

from meetings_cli.expansion import MAX_QUERY_WORDS
from meetings_cli.model import SearchTerm
from meetings_cli.terms import TermIndex, marker, stem

US = SearchTerm("united-states", ("United States", "U.S.", "US", "America"), ("US",), "test")


def hits(cli: Invoke, *args: str) -> tuple[list[dict[str, Any]], str, int]:
    result = cli("search", "--json", "-n", "0", *args)
    return (json.loads(result.stdout) if result.stdout else []), result.stderr, result.exit_code


def ids(cli: Invoke, *args: str) -> set[str]:
    return {hit["id"] for hit in hits(cli, *args)[0]}


@pytest.mark.parametrize(("word", "nearest"), [("tanks", "talks"), ("drones", "does")])
def test_a_real_word_no_record_holds_finds_nothing_and_says_the_nearest(
    cli: Invoke, word: str, nearest: str
) -> None:
    found, err, code = hits(cli, word)
    assert (found, code) == ([], 1)
    assert f"no record mentions '{word}'" in err and nearest in err
    assert hits(cli, "--in", "sources", word)[2] == 1


def test_a_typo_is_corrected_and_the_correction_said(cli: Invoke) -> None:
    found, err, code = hits(cli, "terorism")
    assert code == 0 and found
    assert "showing results for terrorism" in err
    assert all(hit["search"]["score"] < 100 for hit in found)


def test_prefixes_only_when_asked(cli: Invoke) -> None:
    assert hits(cli, "terr")[2] == 1  # no record holds "terr" itself
    assert ids(cli, "terr*") >= ids(cli, "terrorism")


def test_abbreviations_with_and_without_dots_are_one_term(cli: Invoke) -> None:
    us = ids(cli, "US")
    assert len(us) >= 7
    assert ids(cli, "U.S.") == ids(cli, "United States") == ids(cli, "USA") == us
    for hit in hits(cli, "U.S.")[0]:  # "s" is never a word of its own ("Russia's")
        assert all(match["matched"].lower() != "s" for match in hit["search"]["matches"])


def test_case_carries_meaning_us_is_not_us() -> None:
    index = TermIndex([US])
    us = marker("united-states")
    assert index.phrases("united-states") == [us, "United States", "U.S.", "America"]
    assert index.indexed("what the US wants") == f"what the {marker('united-states')} wants"
    assert index.indexed("he told us so") == "he told us so"
    query, typed = index.in_query("-US country:US U.S.-backed")
    assert query.split() == [f"-{marker('united-states')}", f"country:{marker('united-states')}",
                             marker("united-states"), "backed"]  # fmt: skip
    assert typed == {marker("united-states"): "US"}


def test_forms_inside_forms_are_found_where_they_stand() -> None:
    index = TermIndex(
        [
            SearchTerm("astana-process", ("Astana format",), (), "test"),
            SearchTerm("astana", ("Astana",), (), "test"),
            SearchTerm("hatami", ("Amir Hatami", "Хатами", "Амир Хатами"), (), "test"),
        ]
    )
    for text in ("the Astana format and Амир Хатами", "Амир Хатами"):
        outer = index.find(text)
        inner = index.nested(text, outer)
        assert {text[f.start : f.end] for f in inner} >= {"Хатами"}
        for found in outer + inner:
            assert text[found.start : found.end] in {
                "Astana format",
                "Astana",
                "Амир Хатами",
                "Хатами",
            }
    assert index.phrases("astana-process") == ["Astana format"]  # found by the index as is
    assert index.indexed("the Astana-format talks") == "the Astana-format talks\nAstanaformat"


def test_a_multi_word_name_is_a_phrase(cli: Invoke) -> None:
    united = ids(cli, "United States")
    forms = {"us", "u.s.", "usa", "united states", "america", "american", "americans"}
    for hit in hits(cli, "United States")[0]:  # a form of the country, never "united" alone
        assert {m["matched"].casefold() for m in hit["search"]["matches"]} <= forms
    assert "2020-unsc-vote" in ids(cli, "United Nations")
    assert ids(cli, '"united states"') <= united


def test_stems_hyphens_compounds_and_demonyms(cli: Invoke) -> None:
    assert stem("meetings") == stem("meeting") and stem("terrorists") != stem("terrorism")
    assert ids(cli, "refugee") == ids(cli, "refugees")
    assert ids(cli, "counterterrorism") == ids(cli, "counter-terrorism")
    assert ids(cli, "counter-terrorism") == ids(cli, "counter terrorism")
    assert "mcis2018-belarus" in ids(cli, "Belarusian")
    assert "mcis2018-kazakhstan" in ids(cli, "Kazakhstan") and "mcis2018-kazakhstan" in ids(
        cli, "Kazakh"
    )


def test_a_pasted_paragraph_is_ranked_not_joined(cli: Invoke) -> None:
    paragraph = " ".join(["Shoigu"] + [f"word{n}" for n in range(70)] + ["Astana", "format"])
    found, err, code = hits(cli, paragraph)
    assert code in (0, 1) and "SQL" not in err and "join" not in err
    passage = (
        "Hatami said military cooperation between the two countries has been progressing"
        " well under an agreement signed in 2015, and that Iran would remain faithful to its"
        " pact with Russia in combating terrorism"
    )
    found, err, code = hits(cli, passage)
    assert code == 0 and found[0]["id"] == "mcis2018-russia"


def test_a_query_past_the_maximum_is_a_usage_error(cli: Invoke) -> None:
    _, err, code = hits(cli, " ".join(f"w{n}" for n in range(MAX_QUERY_WORDS + 1)))
    assert code == 2 and f"at most {MAX_QUERY_WORDS}" in err and "Traceback" not in err


@pytest.mark.parametrize("option", ["--not", "--json", "--year", "-n"])
def test_an_option_after_the_double_dash_is_refused_with_a_hint(cli: Invoke, option: str) -> None:
    result = cli("search", "--", "syria", option, "terrorism")
    assert result.exit_code == 2 and result.stdout == ""
    assert f"'{option}' is in the query" in result.stderr and "-WORD" in result.stderr


def test_minus_word_after_the_double_dash_still_leaves_out(cli: Invoke) -> None:
    with_terrorism = ids(cli, "syria", "terrorism")
    without = ids(cli, "--", "syria", "-terrorism")
    assert without and not (without & with_terrorism)


def test_a_participant_match_shows_that_participant_and_a_quote_its_speaker(
    cli: Invoke,
) -> None:
    (hit,) = [h for h in hits(cli, "Shoygu")[0] if h["id"] == "mcis2018-russia"]
    (match,) = hit["search"]["matches"]
    assert match["who"] == "Sergei Shoigu" and "Hatami" not in match["snippet"]
    assert "Iran" not in match["snippet"]
    found = hits(cli, "quote:faithful")[0]
    assert found and found[0]["search"]["matches"][0]["who"] == "Amir Hatami"
    table = cli("search", "quote:faithful", env={"COLUMNS": "200"}).stdout
    assert "quotes (Amir Hatami):" in table


def test_a_curators_name_is_marked(cli: Invoke) -> None:
    (match,) = hits(cli, "Шойгу")[0][0]["search"]["matches"]
    assert match["name_basis"] == "curator"
    assert "[curator]" in cli("search", "Шойгу", env={"COLUMNS": "200"}).stdout
    (match,) = hits(cli, "Shoygu")[0][0]["search"]["matches"]
    assert "name_basis" not in match  # an article prints it


def test_the_vocabulary_file_is_checked(tmp_path: Path, cli: Invoke) -> None:
    import shutil

    from conftest import DATA

    shutil.copytree(DATA, tmp_path / "data")
    terms = tmp_path / "data" / "terms.yaml"
    terms.write_text(
        terms.read_text(encoding="utf-8").replace("exact_case: [US", "exact_case: [Us", 1),
        encoding="utf-8",
    )
    result = cli("--data", str(tmp_path / "data"), "validate")
    assert result.exit_code == 2 and "'Us' is not one of the term's forms" in result.stderr


def test_a_hyphen_inside_a_word_joins_it_to_a_term(cli: Invoke) -> None:
    assert "army2020-repost" in ids(cli, "--in", "sources", "--", "anti-Iran")


def test_a_word_in_quotes_is_that_word_alone(cli: Invoke) -> None:
    assert ids(cli, '"terorism"') == set()  # never corrected
    assert hits(cli, '"terorism"')[2] == 1
    assert ids(cli, '"refugees"') <= ids(cli, "refugee")


def test_a_phrase_in_another_script_is_read_as_the_index_reads_it(cli: Invoke) -> None:
    assert "mcis2018-russia" in ids(cli, '"Сергей Шойгу"')


@pytest.mark.parametrize("query", ["iran OR", '"US"', "persn:US", "-- -US"])
def test_marker_words_never_reach_the_user(cli: Invoke, query: str) -> None:
    result = cli("search", "--json", "--", *query.split())
    assert "zzterm" not in result.stdout + result.stderr


def test_a_field_with_no_word_is_a_usage_error(cli: Invoke) -> None:
    _, err, code = hits(cli, "person:")
    assert code == 2 and "give a word after 'person:'" in err


def test_a_long_query_is_judged_among_the_records_the_filters_keep(cli: Invoke) -> None:
    words = "Iran Russia Syria terrorism cooperation military drills Astana Hatami Shoigu"
    assert ids(cli, "-k", "conference-address", "--", *words.split()) == {"mcis2018-address"}
    url = "See https://www.presstv.ir/Detail/2019 for " + words
    assert hits(cli, "--", *url.split())[2] == 0


def test_quotes_and_names_are_one_line_each_in_the_index() -> None:
    from meetings_cli.store.tables import _texts

    record = {"title": "t", "summary": "s", "quotes": [{"text": "a\nb"}, {"text": "c"}],
              "topics": [], "location": None, "notes": None}  # fmt: skip
    texts = _texts(record, ["Amir\nHatami; Iran"], None)
    assert texts[2] == "a b\nc" and texts[4] == "Amir Hatami; Iran"


def test_an_export_holds_the_articles_own_words(tmp_path: Path, cli: Invoke) -> None:
    import sqlite3

    out = tmp_path / "export.sqlite3"
    assert cli("export", str(out)).exit_code == 0
    db = sqlite3.connect(out)
    db.execute("INSERT INTO article_search (article_search, rank) VALUES ('integrity-check', 1)")
    db.execute("CREATE VIRTUAL TABLE temp.words USING fts5vocab (main, article_search, 'row')")
    words = {w for (w,) in db.execute("SELECT term FROM temp.words")}
    assert not any(w.startswith("zzterm") for w in words) and "us" in words
    db.close()


def test_a_form_that_is_no_word_is_refused(tmp_path: Path, cli: Invoke) -> None:
    import shutil

    from conftest import DATA

    shutil.copytree(DATA, tmp_path / "data")
    terms = tmp_path / "data" / "terms.yaml"
    text = terms.read_text(encoding="utf-8").replace(
        "forms: [United States,", 'forms: ["--", United States,', 1
    )
    terms.write_text(text, encoding="utf-8")
    result = cli("--data", str(tmp_path / "data"), "validate")
    assert result.exit_code == 2 and "'--' is not a word" in result.stderr
