"""Free-text search over company profiles, answered from an inverted index.

Words are folded (case, umlauts, accents) so "Bäckerei", "baeckerei" and "BACKEREI" meet. A
query word matches every indexed word that *contains* it (so "werkstatt" finds
"Autowerkstatt"); several query words must all match. Matching runs in C (regular expressions
over the joined vocabulary, numpy over postings); no Python loop runs per company.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Sequence

import numpy as np

__all__ = ["TextIndex", "fold", "fold_many", "label_words", "script_words", "words"]

_WORD = re.compile(r"[a-z0-9]+")
_SEP = "\x00"
_DOC_SEP = "\x01"
# Runs are what is left between ASCII spaces and punctuation: ASCII letters and digits and any
# non-ASCII character (in UTF-8: the bytes from 0x80). fold() leaves ASCII spaces and
# punctuation as they are and never moves a letter across them (its replacements and NFKD act
# inside a run), so the words of a folded document are the words of its folded runs, in order.
# The table blanks every other byte except the document separator.
_RUN_BYTES = bytes(
    b if chr(b).isascii() and (chr(b).isalnum() or chr(b) == _DOC_SEP) or b >= 0x80 else 0x20
    for b in range(256)
)
_DOC_SEP_BYTES = _DOC_SEP.encode("ascii")


# letters that NFKD does not split into a base letter and a mark (Turkish, Polish, Nordic, ...)
_UNDECOMPOSABLE = (
    ("ı", "i"),
    ("ł", "l"),
    ("ø", "o"),
    ("đ", "d"),
    ("æ", "a"),
    ("œ", "o"),
    ("þ", "th"),
)


def fold(text: str) -> str:
    """Lower-case ASCII: umlauts lose their dots, "ae"/"oe"/"ue" become "a"/"o"/"u", ß is "ss".

    Applied to documents and queries alike, so "Bäcker", "Baecker" and "BACKER" all meet.
    """
    text = text.lower().replace("ß", "ss").replace("ae", "a").replace("oe", "o").replace("ue", "u")
    for letter, plain in _UNDECOMPOSABLE:
        if letter in text:  # a fast scan; most texts have none of these
            text = text.replace(letter, plain)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return text.replace("ae", "a").replace("oe", "o").replace("ue", "u")


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


_LETTERS = re.compile(r"[^\W\d_]+")


def script_words(text: str) -> list[str]:
    """The words of ``text`` in a script that ``fold`` leaves out (Arabic, Cyrillic, Greek ...):
    lower case, without their marks (Arabic short vowels, the hamza on an alif), so a word
    typed with or without them meets the same word. Latin words are ``words``' part."""
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c)
    )
    return [w for w in _LETTERS.findall(plain) if not fold(w)]


def label_words(text: str) -> list[str]:
    """The words of a label or a query in every script: the folded Latin words, then the
    words of other scripts (a choice's Arabic label is found by an Arabic query)."""
    return list(dict.fromkeys(words(text) + script_words(text)))


def fold_many(documents: Sequence[str]) -> list[str]:
    # one pass of the C string functions over all documents instead of one per document
    joined = _DOC_SEP.join(d.replace(_DOC_SEP, " ") for d in documents)
    return fold(joined).split(_DOC_SEP) if documents else []


class TextIndex:
    """Inverted index: vocabulary (sorted, joined) and postings (CSR arrays of row numbers)."""

    def __init__(self, documents: Sequence[str]) -> None:
        self.size = len(documents)
        self._overrides: dict[int, frozenset[str]] = {}
        self._cache: dict[str, np.ndarray] = {}
        chain = itertools.chain.from_iterable
        # One pass of C byte functions cuts all documents into runs (see _RUN_BYTES) and
        # separators; each distinct run is folded once, so the per-character work of fold()
        # covers the few distinct runs instead of the whole text.
        runs = (
            f" {_DOC_SEP} ".join(d.replace(_DOC_SEP, " ") for d in documents)
            .encode("utf-8", "surrogatepass")
            .translate(_RUN_BYTES)
            .split()
        )
        run_ids = {r: i for i, r in enumerate(dict.fromkeys(runs))}
        codes = np.fromiter(map(run_ids.__getitem__, runs), dtype=np.int64, count=len(runs))
        del runs
        # a run is in the row of the separators before it (a separator itself yields no word)
        separator = run_ids.get(_DOC_SEP_BYTES, -1)
        run_rows = np.cumsum(codes == separator)
        run_words = [_WORD.findall(fold(r.decode("utf-8", "surrogatepass"))) for r in run_ids]
        vocabulary = {w: i for i, w in enumerate(dict.fromkeys(chain(run_words)))}
        word_counts = np.fromiter(map(len, run_words), dtype=np.int64, count=len(run_words))
        run_terms = np.fromiter(
            map(vocabulary.__getitem__, chain(run_words)),
            dtype=np.int64,
            count=int(word_counts.sum()),
        )
        # every run occurrence expands to the terms of its run (most runs are one word)
        counts = word_counts[codes]
        firsts = (np.cumsum(word_counts) - word_counts)[codes]
        total = int(counts.sum())
        shift = np.repeat(firsts - (np.cumsum(counts) - counts), counts)
        term_arr = run_terms[shift + np.arange(total, dtype=np.int64)]
        row_arr = np.repeat(run_rows, counts)
        # one posting per (term, row): unique over the combined key, which also sorts by term
        keys = term_arr * max(1, self.size) + row_arr
        keys.sort()
        if keys.size:
            keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
        term_sorted = keys // max(1, self.size)
        self._postings = (keys % max(1, self.size)).astype(np.int32)
        counts = np.bincount(term_sorted, minlength=len(vocabulary))
        self._offsets = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        np.cumsum(counts, out=self._offsets[1:])
        self._words = list(vocabulary)
        # one string "\0w0\0w1\0..." so a query word is searched in C; starts[i] is where w_i begins
        self._joined = _SEP + _SEP.join(self._words) + _SEP
        lengths = np.fromiter(
            (len(w) + 1 for w in self._words), dtype=np.int64, count=len(self._words)
        )
        self._starts = (
            np.concatenate(([1], 1 + np.cumsum(lengths)[:-1]))
            if self._words
            else np.zeros(0, np.int64)
        )

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

    def match_word(self, word: str) -> np.ndarray:
        """Boolean mask of rows with an indexed word containing ``word`` (already folded)."""
        mask = np.zeros(self.size, dtype=bool)
        terms = self._terms_containing(word)
        if terms.size:
            starts, ends = self._offsets[terms], self._offsets[terms + 1]
            lengths = ends - starts
            # the concatenated posting ranges of all matching terms, without a Python loop
            shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
            mask[self._postings[shift + np.arange(int(lengths.sum()))]] = True
        if self._overrides:
            rows = np.fromiter(self._overrides, dtype=np.int64, count=len(self._overrides))
            mask[rows] = [any(word in w for w in doc) for doc in self._overrides.values()]
        return mask

    def match(self, query: str) -> np.ndarray | None:
        """Boolean mask of rows matching every word of ``query``; None when the query is empty."""
        query_words = words(query)
        if not query_words:
            return None
        mask = np.ones(self.size, dtype=bool)
        for word in dict.fromkeys(query_words):
            mask &= self.match_word(word)
        return mask

    def with_documents(self, size: int, documents: dict[int, str]) -> TextIndex:
        """A copy that answers for ``size`` rows, with ``documents`` replacing those rows' text.

        Used for the few rows changed since the last full build; a full rebuild folds them in.
        """
        copy = object.__new__(TextIndex)
        copy.__dict__.update(self.__dict__)
        copy.size = size
        copy._overrides = {
            **self._overrides,
            **{r: frozenset(words(d)) for r, d in documents.items()},
        }
        return copy

    @property
    def pending(self) -> int:
        """How many rows are answered outside the inverted index."""
        return len(self._overrides)
