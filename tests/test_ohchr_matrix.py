from collections import Counter

import docx
import pytest
from uprwatch.config.errors import UserError
from uprwatch.matching.ohchr_matrix import load_ohchr_matrix

from tests.conftest import MATRIX_2013, needs_shared


def paragraphs(corpus):
    first = {}
    for item in corpus.items:
        first.setdefault(item.id, item)
    return first


def test_2018_matrix_has_346_paragraphs_284_supported_62_noted(matrix_2018):
    corpus = load_ohchr_matrix(matrix_2018)
    paras = paragraphs(corpus)
    assert len(paras) == 346
    assert Counter(p.position for p in paras.values()) == {"Supported": 284, "Noted": 62}
    assert {p.year for p in paras.values()} == {2018}
    assert {p.state_under_review for p in paras.values()} == {"China"}
    assert paras["28.177"].document == "A/HRC/40/6"
    assert corpus.problems == []


@needs_shared
def test_2013_matrix_has_252_paragraphs_204_supported_48_noted():
    corpus = load_ohchr_matrix(MATRIX_2013)
    paras = paragraphs(corpus)
    assert len(paras) == 252
    assert Counter(p.position for p in paras.values()) == {"Supported": 204, "Noted": 48}
    assert {p.year for p in paras.values()} == {2013}


def test_joined_paragraph_is_split_per_recommendation_with_every_state(matrix_2018):
    parts = [i for i in load_ohchr_matrix(matrix_2018).items if i.id == "28.4"]
    assert [p.recommending_states for p in parts] == [("New Zealand",), ("Uruguay", "Mali")]
    assert parts[1].text.startswith("Accelerate the ratification")
    assert "(" not in parts[0].text


def test_docx_without_a_recommendation_table_is_rejected(tmp_path):
    path = tmp_path / "minutes.docx"
    d = docx.Document()
    d.add_paragraph("Minutes of the meeting")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Item"
    table.cell(0, 1).text = "Owner"
    d.save(str(path))
    with pytest.raises(UserError, match="not an OHCHR UPR recommendation matrix"):
        load_ohchr_matrix(path)


def test_corrupt_docx_is_rejected(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(UserError, match=r"not a readable \.docx"):
        load_ohchr_matrix(path)
