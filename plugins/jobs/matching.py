"""Which company an imported position belongs to: its employer's name and postcode against
the published companies.

Names are compared *normalised* (``employer_key``): folded (case, umlauts, ß, accents), legal
forms left out ("GmbH & Co. KG", "e. K.", "(haftungsbeschränkt)" ...), "&" and "+" read as
"und", punctuation and repeated blanks gone. Then, per employer:

- ``matched``: one company in the same postcode has the same normalised name, or exactly one
  there is at least ``match_threshold`` alike (at 1.0, the default: only the same name);
- ``review``: the operator decides among candidates: several such companies, companies in
  the same postcode whose name is at least ``review_threshold`` alike, or companies of the
  same name (at least ``match_threshold`` alike) elsewhere in the same town;
- ``unmatched``: none of these.

Similarity is the larger of two ratios (``rapidfuzz``: twice the longest common subsequence
over both lengths), over the keys as written and over their words in sorted order (so "Müller
Autohaus" meets "Autohaus Müller"). Only companies of the employer's postcode and town are
compared, each block at once in C: 3,000 positions against 20,000 companies take a few
seconds on a small server (``bench/jobs_match_bench.py``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Sequence

from attrs import frozen
from core import fold
from rapidfuzz import fuzz
from rapidfuzz import process

__all__ = [
    "MAX_CANDIDATES",
    "CompanyDirectory",
    "Listing",
    "MatchResult",
    "employer_key",
    "similarity",
]

#: Most companies proposed for one position on the review list.
MAX_CANDIDATES = 5

#: Legal forms and their parts, as words after folding and removing dots ("e. K." -> "ek").
_LEGAL_WORDS = frozenset(
    """
    gmbh mbh ggmbh ag kg kgaa ohg gbr ug ek ev eg se sarl bv nv ltd limited inc llc plc
    partg partgmbb mbb co cokg haftungsbeschrankt inh inhaber inhaberin gesellschaft
    """.split()
)
#: Words that stand for a legal form only together ("Gesellschaft mit beschränkter Haftung").
_LEGAL_PHRASES = (
    "gesellschaft mit beschrankter haftung",
    "mit beschrankter haftung",
    "eingetragener kaufmann",
    "eingetragene kauffrau",
    "eingetragener verein",
    "offene handelsgesellschaft",
    "kommanditgesellschaft auf aktien",
    "kommanditgesellschaft",
    "aktiengesellschaft",
    "gemeinnutzige",
    "und co",
)
#: Words before a name that say nothing about it ("Firma Müller").
_LEADING_WORDS = frozenset({"firma", "fa"})
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def employer_key(name: str) -> str:
    """The normalised form of an employer's name that matching compares (see the module)."""
    text = fold(name or "")
    text = text.replace("&", " und ").replace("+", " und ")
    # "e. K.", "G.m.b.H." and "Co." lose their dots and blanks between single letters
    text = re.sub(r"\b([a-z])\.\s*(?=[a-z]\b\.?)", r"\1", text).replace(".", " ")
    text = _NOT_WORD.sub(" ", text)
    text = f" {text} "
    for phrase in _LEGAL_PHRASES:
        text = text.replace(f" {phrase} ", " ")
    words = text.split()
    while words and words[0] in _LEADING_WORDS:
        words.pop(0)
    kept = [w for w in words if w not in _LEGAL_WORDS]
    # a name that is nothing but a legal form ("AG") keeps it rather than becoming empty
    return " ".join(kept or words)


def _sorted_words(key: str) -> str:
    return " ".join(sorted(key.split()))


def similarity(a: str, b: str) -> float:
    """How alike two normalised names are, 0..1 (1.0: the same, or the same words)."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b)) / 100


def _alike(key: str, keys: Sequence[str], floor: float) -> dict[int, float]:
    """The positions in ``keys`` of the names at least ``floor`` alike to ``key``, with their
    similarity (``similarity``, computed in C over the whole list at once)."""
    found: dict[int, float] = {}
    cutoff = floor * 100 - 1e-9  # 0.92 * 100 is 92.00000000000001
    for scorer in (fuzz.ratio, fuzz.token_sort_ratio):
        for _, score, index in process.extract(
            key, keys, scorer=scorer, score_cutoff=cutoff, limit=None
        ):
            found[index] = max(found.get(index, 0.0), score / 100)
    return {i: score for i, score in found.items() if score >= floor}


@frozen
class Listing:
    """What matching knows of a company: its id, name and where it is."""

    id: int
    name: str
    postcode: str
    town: str


@frozen
class MatchResult:
    """The match of one employer: ``match`` (matched, review, unmatched), the company when
    matched, the candidates for review (best first) and the best similarity found."""

    match: str
    company_id: int | None = None
    candidates: tuple[int, ...] = ()
    score: float = 0.0


_UNMATCHED = MatchResult("unmatched")


class CompanyDirectory:
    """The companies to match against, indexed by postcode and by town.

    ``town_of(postcode, town)`` names the town a place belongs to (the region's town of the
    postcode, so "Gelsenkirchen-Buer" and "Gelsenkirchen" meet); by default the folded town
    name as written.
    """

    def __init__(
        self,
        listings: Iterable[Listing],
        *,
        match_threshold: float = 1.0,
        review_threshold: float = 0.75,
        town_of: Callable[[str, str], str] | None = None,
    ) -> None:
        self.match_threshold = match_threshold
        self.review_threshold = review_threshold
        self._town_of = town_of or (lambda _postcode, town: fold(town).strip())
        self._by_postcode: dict[str, _Block] = defaultdict(_Block)
        self._by_town: dict[str, _Block] = defaultdict(_Block)
        self._cache: dict[tuple[str, str, str], MatchResult] = {}
        self.size = 0
        for listing in listings:
            key = employer_key(listing.name)
            if not key:
                continue
            self.size += 1
            postcode = listing.postcode.strip()
            self._by_postcode[postcode].add(listing.id, key, postcode)
            town = self._town_of(postcode, listing.town)
            if town:
                self._by_town[town].add(listing.id, key, postcode)

    def match(self, name: str, postcode: str, town: str = "") -> MatchResult:
        """The match of the employer ``name`` at ``postcode`` in ``town``."""
        key = employer_key(name)
        postcode = postcode.strip()
        cache_key = (key, postcode, town)
        if cache_key not in self._cache:
            self._cache[cache_key] = self._match(key, postcode, town) if key else _UNMATCHED
        return self._cache[cache_key]

    def _match(self, key: str, postcode: str, town: str) -> MatchResult:
        scores: dict[int, float] = {}
        sure: list[int] = []
        if postcode and postcode in self._by_postcode:
            block = self._by_postcode[postcode]
            for index, score in _alike(key, block.keys, self.review_threshold).items():
                scores[block.ids[index]] = score
                if score >= self.match_threshold:
                    sure.append(block.ids[index])
        town_key = self._town_of(postcode, town)
        block = self._by_town.get(town_key) if town_key else None
        if block is not None:
            for company_id, score in block.alike(key, self.match_threshold):
                if block.postcode_of[company_id] != postcode and company_id not in scores:
                    scores[company_id] = score
        # one company of the same postcode that is sure (the same name above all) decides,
        # even beside similar names: "Bäckerei Schmidt" is not "Bäckerei Schmitz"
        exact = [i for i in sure if scores[i] == 1.0]
        for found in (exact, sure):
            if len(found) == 1:
                return MatchResult("matched", found[0], (), scores[found[0]])
        if not scores:
            return _UNMATCHED
        ranked = sorted(scores, key=lambda i: (-scores[i], i))[:MAX_CANDIDATES]
        return MatchResult("review", None, tuple(ranked), scores[ranked[0]])


class _Block:
    """The companies of one postcode or town: ids and keys side by side, and the ids by
    their words in sorted order (a similarity of 1.0 is a lookup there)."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.keys: list[str] = []
        self.postcode_of: dict[int, str] = {}
        self.by_words: dict[str, list[int]] = defaultdict(list)

    def add(self, company_id: int, key: str, postcode: str) -> None:
        self.ids.append(company_id)
        self.keys.append(key)
        self.postcode_of[company_id] = postcode
        self.by_words[_sorted_words(key)].append(company_id)

    def alike(self, key: str, floor: float) -> list[tuple[int, float]]:
        """The companies whose names are at least ``floor`` alike to ``key``."""
        if floor >= 1.0:
            return [(i, 1.0) for i in self.by_words.get(_sorted_words(key), ())]
        return [(self.ids[i], score) for i, score in _alike(key, self.keys, floor).items()]
