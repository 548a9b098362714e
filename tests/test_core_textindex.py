"""The free-text index against brute force: fold and split every document on its own.

The index folds distinct runs of text instead of whole documents; whatever the text (umlauts,
decomposed accents, ligatures, symbols that fold to letters or to nothing, separators inside a
document), a query word must find exactly the documents one of whose own words contains it.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.search.textindex import TextIndex, words

TRICKY = [
    "Bäckerei Müller",
    "BAECKEREI MUELLER",
    "Straße, Fußweg",
    "e\u0301cole Cafe\u0301",  # decomposed accents
    "Ærø Łódź Øresund",
    "\u0130stanbul \u212a",  # dotted capital I, Kelvin sign
    "ab\u00bdcd x\u2026y",  # one half, ellipsis: fold to digits and dots
    "\ufb01sch \ufb00 \uff21\uff42\uff43",  # ligatures, full-width letters
    "中文abc中 ΑΣ.Β",  # letters that fold to nothing
    "a\u0308e ae-ue a'e o\u0308e",
    "x\u00ady",  # soft hyphen: folds to nothing and joins the word
    "two\x01documents? no: one",
    "null\x00byte",
    "lone \udc80 surrogate",
    "\U0001f600 emoji\U0001f600inside",
    "",
    "   ",
    "Ausbildung 2026/27, Tel. 02366-12345",
]


def brute_force_rows(documents: list[str], word: str) -> set[int]:
    return {i for i, doc in enumerate(documents) if any(word in w for w in words(doc))}


def assert_matches_brute_force(documents: list[str]) -> None:
    index = TextIndex(documents)
    vocabulary = {w for doc in documents for w in words(doc)}
    queries = vocabulary | {w[1:-1] for w in vocabulary if len(w) > 2} | {"zzz"}
    for word in sorted(queries - {""}):
        found = set(np.flatnonzero(index.match_word(word)).tolist())
        assert found == brute_force_rows(documents, word), word


def test_tricky_texts_are_found_as_their_own_words() -> None:
    assert_matches_brute_force(TRICKY)


@pytest.mark.parametrize("documents", [[], [""], ["", "", "x"], ["same", "same", "Same"]])
def test_edge_cases(documents: list[str]) -> None:
    assert_matches_brute_force(documents)


PIECES = st.sampled_from(
    ["ae", "oe", "ue", "ß", "ä", "\u0308", "\u0301", "İ", "½", "…", "ﬁ", "Æ", "ł", "中", "\x01"]
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.lists(st.one_of(st.characters(), st.text(min_size=1, max_size=3), PIECES)).map("".join),
        max_size=6,
    )
)
def test_any_text_is_found_as_its_own_words(documents: list[str]) -> None:
    assert_matches_brute_force(documents)
