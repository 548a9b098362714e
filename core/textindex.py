"""Free-text search over company profiles, answered from an inverted index.

Words are folded (case, umlauts, accents) so "Bäckerei", "baeckerei" and "BACKEREI" meet. A
query word matches every indexed word that *contains* it (so "werkstatt" finds
"Autowerkstatt"); several query words must all match. Matching runs in C (regular expressions
over the joined vocabulary, numpy over postings); no Python loop runs per company.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np

__all__ = ["TextIndex", "fold", "words"]

_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "æ": "ae", "ø": "o"})
_WORD = re.compile(r"[a-z0-9]+")
_SEP = "\x00"


def fold(text: str) -> str:
    """Lower-case ASCII with umlauts reduced to their base letter ("ae" is folded too)."""
    text = text.casefold().replace("ae", "a").replace("oe", "o").replace("ue", "u")
    text = text.translate(_FOLD)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


class TextIndex:
    """Inverted index: vocabulary (sorted, joined) and postings (CSR arrays of row numbers)."""

    def __init__(self, documents: Sequence[str]) -> None:
        self.size = len(documents)
        self._overrides: dict[int, frozenset[str]] = {}
        self._cache: dict[str, np.ndarray] = {}
        vocabulary: dict[str, int] = {}
        rows: list[int] = []
        terms: list[int] = []
        for row, document in enumerate(documents):
            for word in set(words(document)):
                term = vocabulary.setdefault(word, len(vocabulary))
                terms.append(term)
                rows.append(row)
        term_arr = np.asarray(terms, dtype=np.int32)
        row_arr = np.asarray(rows, dtype=np.int32)
        order = np.argsort(term_arr, kind="stable")
        self._postings = row_arr[order]
        counts = np.bincount(term_arr, minlength=len(vocabulary))
        self._offsets = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        np.cumsum(counts, out=self._offsets[1:])
        self._words = list(vocabulary)
        # one string "\0w0\0w1\0..." so a query word is searched in C; starts[i] is where w_i begins
        self._joined = _SEP + _SEP.join(self._words) + _SEP
        lengths = np.fromiter((len(w) + 1 for w in self._words), dtype=np.int64, count=len(self._words))
        self._starts = np.concatenate(([1], 1 + np.cumsum(lengths)[:-1])) if self._words else np.zeros(0, np.int64)

    def _terms_containing(self, word: str) -> np.ndarray:
        """Numbers of the vocabulary words that contain ``word`` (cached per index)."""
        terms = self._cache.get(word)
        if terms is None:
            positions = np.fromiter(
                (m.start() for m in re.finditer(re.escape(word), self._joined)), dtype=np.int64
            )
            terms = np.unique(np.searchsorted(self._starts, positions, side="right") - 1)
            if len(self._cache) >= 4096:
                self._cache.clear()
            self._cache[word] = terms
        return terms

    def match(self, query: str) -> np.ndarray | None:
        """Boolean mask of rows matching every word of ``query``; None when the query is empty."""
        query_words = words(query)
        if not query_words:
            return None
        mask = np.ones(self.size, dtype=bool)
        for word in dict.fromkeys(query_words):
            word_mask = np.zeros(self.size, dtype=bool)
            terms = self._terms_containing(word)
            if terms.size:
                starts, ends = self._offsets[terms], self._offsets[terms + 1]
                lengths = ends - starts
                # the concatenated posting ranges of all matching terms, without a Python loop
                shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
                word_mask[self._postings[shift + np.arange(int(lengths.sum()))]] = True
            mask &= word_mask
        if self._overrides:
            rows = np.fromiter(self._overrides, dtype=np.int64, count=len(self._overrides))
            mask[rows] = [
                all(any(w in doc_word for doc_word in doc) for w in query_words)
                for doc in self._overrides.values()
            ]
        return mask

    def with_documents(self, size: int, documents: dict[int, str]) -> TextIndex:
        """A copy that answers for ``size`` rows, with ``documents`` replacing those rows' text.

        Used for the few rows changed since the last full build; a full rebuild folds them in.
        """
        copy = object.__new__(TextIndex)
        copy.__dict__.update(self.__dict__)
        copy.size = size
        copy._overrides = {**self._overrides, **{r: frozenset(words(d)) for r, d in documents.items()}}
        return copy

    @property
    def pending(self) -> int:
        """How many rows are answered outside the inverted index."""
        return len(self._overrides)
