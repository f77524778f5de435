from collections import Counter

import pytest
from uprwatch.config.errors import UserError
from uprwatch.matching.advance_questions import load_advance_questions
from uprwatch.matching.corpus_loader import load_corpus, load_recommendations

from tests.conftest import EVAL, SHARED, needs_shared, run_cli

EXPORT = sorted((SHARED / "data" / "upr" / "upr-info-export").glob("sessions-*-*.csv"))


@pytest.fixture(scope="module")
def upr_info():
    return load_corpus(EXPORT)


@needs_shared
def test_upr_info_export_loads_every_row_once(upr_info):
    assert 41_000 < len(upr_info.items) < 41_066  # 41,066 rows less the few repeated across files
    assert len({(i.state_under_review, i.text, i.year, i.recommending_states) for i in upr_info.items}) == len(
        upr_info.items
    )
    assert Counter(i.position for i in upr_info.items) == {"Supported": 30_469, "Noted": 10_593}
    assert len({i.id for i in upr_info.items}) == len(upr_info.items)


@needs_shared
def test_upr_info_mac_roman_text_and_names_are_decoded(upr_info):
    texts = [i.text for i in upr_info.items if "Habré" in i.text]
    assert texts, "Mac Roman é was not decoded"
    item = next(i for i in upr_info.items if i.state_under_review == "China" and i.year == 2013)
    assert item.cycle == 2 and item.document == "UPR Info database, session 17"
    assert "Democratic People's Republic of Korea" in {i.state_under_review for i in upr_info.items}


@needs_shared
def test_overlapping_export_files_are_deduplicated(tmp_path):
    copy = tmp_path / "sessions-17-again.csv"
    copy.write_bytes(EXPORT[2].read_bytes())  # the same session rows a second time, as in an overlapping file
    single = load_corpus([EXPORT[2]])
    doubled = load_corpus([EXPORT[2], copy])
    assert len(doubled.items) == len(single.items)


@needs_shared
def test_upr_info_rows_are_limited_to_the_state_under_review():
    china = load_corpus(EXPORT, None, "China")
    assert {i.state_under_review for i in china.items} == {"China"}
    assert Counter(i.year for i in china.items) == {2009: 138, 2013: 284}


def test_csv_with_missing_columns_is_rejected(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("paragraph,wording\n1,Abolish the death penalty\n")
    with pytest.raises(UserError, match="missing column"):
        load_recommendations(path)


def test_our_csv_loads_and_reports_bad_rows(tmp_path):
    path = tmp_path / "ours.csv"
    path.write_text(
        "id,text,recommending_states,position,year\n"
        "A1,Abolish the death penalty,France;Germany,Noted,2024\n"
        "A2,,France,Noted,2024\n"
        "A3,Ratify the ICCPR,,Sometimes,2024\n"
        "A4,Release all lawyers,Sweden,Supported,twenty\n"
    )
    corpus = load_recommendations(path)
    assert [i.id for i in corpus.items] == ["A1"]
    assert corpus.items[0].recommending_states == ("France", "Germany") and corpus.items[0].year == 2024
    assert [p.split(": ")[1] for p in corpus.problems] == ["row 3", "row 4", "row 5"]


def test_our_jsonl_reports_bad_lines_and_keeps_the_rest(tmp_path):
    path = tmp_path / "ours.jsonl"
    path.write_text(
        '{"id": "1", "text": "Abolish the death penalty", "recommending_states": ["France"]}\nnot json\n{"id": "3"}\n'
    )
    corpus = load_recommendations(path)
    assert [i.id for i in corpus.items] == ["1"]
    assert len(corpus.problems) == 2 and "line 2" in corpus.problems[0] and "line 3" in corpus.problems[1]


@needs_shared
def test_advance_questions_are_read_per_asking_state():
    corpus = load_advance_questions(EVAL / "advance-questions-china-synthetic.txt", "China")
    assert [i.id for i in corpus.items] == [
        "AQ-Belgium-1",
        "AQ-Belgium-2",
        "AQ-Czechia-1",
        "AQ-Germany-1",
        "AQ-Germany-2",
        "AQ-United Kingdom-1",
    ]
    assert corpus.items[-1].recommending_states == ("United Kingdom of Great Britain and Northern Ireland",)
    assert all(i.kind == "advance_question" for i in corpus.items)


def test_an_empty_corpus_is_an_error(tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_text("\n")
    with pytest.raises(UserError, match="corpus is empty"):
        load_corpus([path])


def test_corpus_inspect_prints_counts_and_problems(matrix_2018):
    result = run_cli("corpus", "inspect", str(matrix_2018), str(EXPORT[0]))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("6468 items")
    assert "positions: Supported" in out and "Noted" in out
    assert "China 512" in out  # 374 from the 2018 matrix, 138 from session 4 (2009)
    assert "problems: 9" in out and "'(Unknown)' unknown" in out


def test_match_stats_line(matrix_2018):
    result = run_cli(
        "match", "--corpus", str(matrix_2018), "--input", str(EVAL / "dev-statements.jsonl"), "--json", "--stats"
    )
    import json

    stats = json.loads(result.stderr.strip().splitlines()[-1])
    assert set(stats) == {"queries", "p50_ms", "p95_ms", "index_build_s", "corpus_size"}
    assert stats["corpus_size"] == 374 and stats["queries"] >= 31 and 0 < stats["p50_ms"] <= stats["p95_ms"]
