"""The search index: jobs, e-CF competences and the concepts jobs are mapped to, by their names.

The index is made from the rows of the search queries (``data/queries/pages/search-*.rq``): one
row per name of an item. Matching is accent-, case- and punctuation-insensitive (names and
queries are folded: ``Développeur`` and ``developpeur`` are the same word), friendly to a query
typed letter by letter (the last word of a query may be the start of a word) and tolerant of
typos (words are compared with rapidfuzz's normalised Indel similarity).

Ranking, best first: a code or key typed in full (``B.1``, ``2.6``, ``cigref-2018/2.6``, an IRI);
a name equal to the query (or but for a plural or feminine ending); a name starting with the
query (or a code starting with it); a name holding every word of the query (whole or as a
prefix); every word found, some with a typo; at least half of the words found. Small words
(``de``, ``d'``, ``the``...) are left out of these comparisons, so "architecte entreprise" is
"Architecte d'entreprise". The acronym of a job's title or other name (``DSI`` for "Directeur
des systèmes d'information", :mod:`nomengraph.server.acronyms`) is one more name of the job,
matched whole or as a start, never with a typo. Within one tier, answers are ordered by how
well the words match, then jobs before competences before mapped concepts, preferred labels
before other names, by how much of the name the query covers (shorter names first), then the
newest edition first.

The index is plain Python data, independent of Flask and of the store: :meth:`SearchIndex.search`
answers in about a millisecond for the reference build.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from nomengraph import iris
from nomengraph.server.acronyms import acronyms

TYPES = ("job", "competence", "esco-occupation", "rome-fiche")
"""The kinds of items, in the order they take when everything else is equal. Other concepts
that jobs are mapped to (ISCO-08 groups...) are not searched."""

ESCO_OCCUPATION = "http://data.europa.eu/esco/occupation/"  # ESCO's own namespace
ROME = iris.rome_scheme() + "/"
SCHEME = iris.edition("key").removesuffix("key")  # id/scheme/<key>: a job nomenclature
FRAMEWORK = iris.framework("1.0").removesuffix("1.0")  # id/ecf/<version>: an e-CF framework

# Weights of the kinds of names: a preferred label counts a little more than another name, the
# acronym of a job's title (server/acronyms.py) than that of another name.
NAME_WEIGHT = {
    "pref": 1.0,
    "mapped": 0.98,
    "alt": 0.95,
    "acronym": 0.92,
    "hidden": 0.9,
    "acronym-other": 0.88,
}
ACRONYM_KINDS = ("acronym", "acronym-other")
# Words left out of the comparisons (French and English function words, after folding).
STOPWORDS = frozenset(
    "a au aux d de des du l la le les et en un une dans pour par sur "
    "of the and in for to on an at by with".split()
)
MAX_QUERY = 200  # characters
NEAR = 0.98  # the score of a word that the query's word lacks one letter of

# Tiers of a match, best first.
TIER_KEY = 5  # a code, key or IRI typed in full
TIER_EXACT = 4  # the name itself
TIER_PREFIX = 3  # the start of the name, or of a code
TIER_WORDS = 2  # every word, whole or its start
TIER_FUZZY = 1  # every word, some with a typo
TIER_SOME = 0  # some words

_WORD = re.compile(r"[^\W_]+")
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_CODE_SPACE = re.compile(r"\s+")


def fold(text: str) -> str:
    """``text`` without accents and case: ``Maîtrise d’Œuvre`` -> ``maitrise d’oeuvre``."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    """The folded words of ``text`` (letters and digits; everything else separates)."""
    return _WORD.findall(fold(text))


def content(tokens: list[str]) -> list[str]:
    """The words that are not function words (all of them if every one is)."""
    kept = [t for t in tokens if t not in STOPWORDS]
    return kept or tokens


def fold_code(text: str) -> str:
    """A code or key as compared: folded, without spaces (``B. 1`` -> ``b.1``)."""
    return _CODE_SPACE.sub("", fold(text))


@dataclass
class Item:
    """Something to find: a job, a competence or a mapped concept."""

    iri: str
    type: str
    edition: str  # the edition's key (cigref-2018, ecf-3.0, rome, esco...)
    notation: str = ""
    labels: dict[str, str] = field(default_factory=dict)  # language -> preferred label
    other: str = ""  # another name, shown when there is no preferred label
    order: tuple = ()  # edition order (newest first), set by the index
    _sort: dict[str, str] = field(default_factory=dict, repr=False)  # locale -> folded label

    @property
    def key(self) -> str:
        """The value a form takes for this item: ``cigref-2018/2.6`` for a job, the code
        ``B.1`` for a competence, the IRI for anything else."""
        if self.type == "job" and self.notation and self.iri.startswith(iris.ID):
            return f"{self.edition}/{self.notation}"
        if self.type == "competence" and self.notation:
            return self.notation
        return self.iri

    def sort_label(self, locale: str) -> str:
        """The label in ``locale``, folded (remembered: it orders equal answers)."""
        folded = self._sort.get(locale)
        if folded is None:
            folded = self._sort[locale] = fold(self.label(locale))
        return folded

    def label(self, locale: str = "en") -> str:
        """The preferred label in ``locale``, else French, English, without language, else
        another name, else the key."""
        for lang in (locale, "fr", "en", ""):
            if self.labels.get(lang):
                return self.labels[lang]
        if self.labels:
            return next(iter(sorted(self.labels.items())))[1]
        return self.other or self.key


@dataclass(frozen=True)
class Name:
    item: int  # index of the item
    kind: str  # pref, alt, hidden, mapped
    flat: str  # folded words joined by one space
    core: str  # the same without function words
    tokens: tuple[str, ...]  # content words
    text: str  # the name as stored


@dataclass(frozen=True)
class Hit:
    """One answer: the item, the tier of its best name and the sort key."""

    item: Item
    tier: int
    score: float
    matched: str  # the name that matched best (as stored)
    rank: tuple


def edition_key(iri: str | None, item_iri: str) -> str:
    """The short key of an item's edition or scheme."""
    if iri and iri.startswith(SCHEME):
        return iri[len(SCHEME) :]
    if iri and iri.startswith(FRAMEWORK):
        return "ecf-" + iri[len(FRAMEWORK) :]
    if item_iri.startswith(ROME):
        return "rome"
    if item_iri.startswith("http://data.europa.eu/esco/"):
        return "esco"
    if iri:
        return iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return ""


def linked_type(iri: str) -> str | None:
    """The kind of a concept jobs are mapped to; None for a kind that is not searched."""
    if iri.startswith(ESCO_OCCUPATION):
        return "esco-occupation"
    if iri.startswith(ROME):
        return "rome-fiche"
    return None


def _year(value: str | None) -> float | None:
    if not value:
        return None
    m = re.match(r"^\s*(\d+(?:\.\d+)?)", value)
    return float(m.group(1)) if m else None


class SearchIndex:
    """Items and their names, ready to search."""

    def __init__(self) -> None:
        self.items: list[Item] = []
        self.names: list[Name] = []
        self._by_iri: dict[str, int] = {}
        self._seen: set[tuple[int, str, str]] = set()
        self._codes: dict[str, list[int]] = {}  # folded code/key/IRI -> items
        self._code_list: list[str] = []
        self._postings: dict[str, list[int]] = {}  # word -> names holding it
        self._vocabulary: list[str] = []
        self._exact_only: set[str] = set()
        self._dates: dict[str, float | None] = {}
        self.built_seconds = 0.0

    # Building ---------------------------------------------------------------------------

    def add(
        self,
        iri: str,
        type_: str,
        edition: str,
        name: str,
        kind: str = "pref",
        lang: str = "",
        notation: str = "",
        date: str | None = None,
    ) -> None:
        """Add a name of an item (the item is created by its first name)."""
        index = self._by_iri.get(iri)
        if index is None:
            index = self._by_iri[iri] = len(self.items)
            self.items.append(Item(iri, type_, edition, notation))
        item = self.items[index]
        if notation and not item.notation:
            item.notation = notation
        if edition not in self._dates or self._dates[edition] is None:
            self._dates[edition] = _year(date)
        name = " ".join(name.split())
        if not name:
            return
        if kind == "pref":
            item.labels.setdefault(lang, name)
        elif not item.other:
            item.other = name
        self._add_name(index, kind, name)
        if type_ == "job":  # "DSI" finds "Directeur des systèmes d'information"
            for acronym in acronyms(name):
                self._add_name(index, "acronym" if kind == "pref" else "acronym-other", acronym)

    def _add_name(self, index: int, kind: str, name: str) -> None:
        tokens = words(name)
        if not tokens or (index, kind, " ".join(tokens)) in self._seen:
            return
        self._seen.add((index, kind, " ".join(tokens)))
        core = content(tokens)
        self.names.append(Name(index, kind, " ".join(tokens), " ".join(core), tuple(core), name))

    def freeze(self) -> SearchIndex:
        """Finish the index (after the last :meth:`add`)."""
        ranked = sorted(
            {item.edition for item in self.items},
            key=lambda e: (self._dates.get(e) is None, -(self._dates.get(e) or 0), e),
        )
        position = {edition: n for n, edition in enumerate(ranked)}
        for number, item in enumerate(self.items):
            item.order = (TYPES.index(item.type), position[item.edition])
            for code in {item.iri, item.key, item.notation}:
                if code:
                    self._codes.setdefault(fold_code(code), []).append(number)
            if item.type == "competence" and item.notation:  # B.1 typed as B1
                self._codes.setdefault(fold_code(item.notation).replace(".", ""), []).append(number)
        self._code_list = sorted(self._codes)
        for number, name in enumerate(self.names):
            for token in set(name.tokens):
                self._postings.setdefault(token, []).append(number)
        self._vocabulary = sorted(self._postings)
        self._exact_only = {  # words only acronyms have: no typo matches them
            word
            for word, held in self._postings.items()
            if all(self.names[n].kind in ACRONYM_KINDS for n in held)
        }
        self._seen.clear()
        return self

    @classmethod
    def from_rows(
        cls,
        jobs: Iterable[Mapping[str, str]] = (),
        competences: Iterable[Mapping[str, str]] = (),
        linked: Iterable[Mapping[str, str]] = (),
    ) -> SearchIndex:
        """The index of the rows of the three search queries; a row maps a variable to its
        value, with ``<name>@lang`` for the language of ``name``."""
        index = cls()
        for row in jobs:
            index.add(
                row["item"],
                "job",
                edition_key(row.get("edition"), row["item"]),
                row.get("name", ""),
                row.get("kind", "pref"),
                row.get("name@lang", ""),
                row.get("notation", ""),
                row.get("issued") or row.get("version"),
            )
        for row in competences:
            index.add(
                row["item"],
                "competence",
                edition_key(row.get("edition"), row["item"]),
                row.get("name", ""),
                row.get("kind", "pref"),
                row.get("name@lang", ""),
                row.get("notation", ""),
                row.get("version"),
            )
        for row in linked:
            iri = row["item"]
            kind = linked_type(iri)
            if kind is None:
                continue
            notation = row.get("notation", "")
            if not notation and iri.startswith(ROME):
                notation = iri[len(ROME) :]
            index.add(
                iri,
                kind,
                edition_key(row.get("edition"), iri),
                row.get("name", ""),
                row.get("kind", "pref"),
                row.get("name@lang", ""),
                notation,
            )
        return index.freeze()

    def __len__(self) -> int:
        return len(self.items)

    def get(self, iri: str) -> Item | None:
        index = self._by_iri.get(iri)
        return None if index is None else self.items[index]

    # Searching --------------------------------------------------------------------------

    def _word_scores(self, query: str, last: bool) -> dict[str, float]:
        """How well each word of the index matches one word of the query (0 to 1): 1 the
        same word, 0.98 the word with one more letter (``base``: ``bases``), 0.9 a word it
        starts, up to 0.8 a word with a typo, up to 0.7 (last word of the query only) the start
        of a word with a typo."""
        scores: dict[str, float] = {}
        vocabulary = self._vocabulary
        if query in self._postings:
            scores[query] = 1.0
        for word in vocabulary[bisect_left(vocabulary, query) :]:
            if not word.startswith(query):
                break
            if word != query:  # a plural or feminine ending counts almost as the word
                near = len(query) >= 3 and len(word) - len(query) <= 1
                scores[word] = NEAR if near else 0.9
        if len(query) < 4 or query.isdigit():
            return scores
        cutoff = 80 if len(query) < 7 else 75
        for word, ratio, _ in process.extract(
            query, vocabulary, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
        ):
            if word not in self._exact_only:
                scores.setdefault(word, 0.8 * ratio / 100)
        if last:
            starts = [w[: len(query)] for w in vocabulary]
            for _, ratio, position in process.extract(
                query, starts, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
            ):
                word = vocabulary[position]
                if word not in self._exact_only:
                    scores.setdefault(word, 0.7 * ratio / 100)
        return scores

    def search(
        self, query: str, limit: int = 10, types: Iterable[str] | None = None, locale: str = "en"
    ) -> list[Hit]:
        """The best ``limit`` answers to ``query``, best first (see the module's text)."""
        wanted = set(types) if types else None
        best: dict[int, Hit] = {}

        def offer(number: int, tier: int, score: float, coverage: float, kind: str, text: str):
            item = self.items[number]
            if wanted is not None and item.type not in wanted:
                return
            rank = (
                -tier,
                -round(score, 2),
                item.order[0],
                -NAME_WEIGHT.get(kind, 0.9),
                -round(coverage, 3),
                item.order[1],
                item.sort_label(locale),
                item.iri,
            )
            held = best.get(number)
            if held is None or rank < held.rank:
                best[number] = Hit(item, tier, score, text, rank)

        code = fold_code(query)
        if code:
            for number in self._codes.get(code, ()):
                offer(number, TIER_KEY, 1.0, 1.0, "pref", self.items[number].key)
            if any(c.isdigit() for c in code) or "/" in code or "." in code:
                start = bisect_left(self._code_list, code)
                for known in self._code_list[start : start + 200]:
                    if not known.startswith(code):
                        break
                    if known != code:
                        for number in self._codes[known]:
                            offer(number, TIER_PREFIX, len(code) / len(known), 1.0, "pref", known)

        tokens = words(query)
        if tokens:
            flat = " ".join(tokens)
            core_tokens = content(tokens)
            core = " ".join(core_tokens)
            scored = [
                self._word_scores(t, last=(i == len(core_tokens) - 1))
                for i, t in enumerate(core_tokens)
            ]
            # names holding at least half of the query's words (no tier takes fewer)
            counts: dict[int, int] = {}
            for table in scored:
                holding: set[int] = set()
                for word in table:
                    holding.update(self._postings[word])
                for number in holding:
                    counts[number] = counts.get(number, 0) + 1
            needed = (len(scored) + 1) // 2
            candidates = [number for number, count in counts.items() if count >= needed]
            for number in candidates:
                name = self.names[number]
                found, pairs = _assign(name.tokens, scored)
                matched = [s for s in found if s > 0]
                if not matched:
                    continue
                score = sum(found) / len(found)
                # the share of the name's letters the query's words account for
                letters = sum(min(len(core_tokens[q]), len(name.tokens[t])) for q, t in pairs)
                coverage = letters / max(1, sum(len(t) for t in name.tokens))
                whole = len(matched) == len(found)
                in_order = whole and sorted(pairs) == [(i, i) for i in range(len(found))]
                if name.flat == flat or name.core == core:
                    tier = TIER_EXACT
                elif in_order and len(found) == len(name.tokens) and min(found) >= NEAR:
                    tier = TIER_EXACT  # the same words but for an ending
                elif name.flat.startswith(flat) or name.core.startswith(core):
                    tier = TIER_PREFIX
                elif in_order and min(found) >= 0.9:
                    tier = TIER_PREFIX  # the name's first words, but for an ending
                elif whole:
                    tier = TIER_WORDS if min(found) >= 0.85 else TIER_FUZZY
                elif len(matched) * 2 >= len(found) and any(
                    s >= 0.85 and len(t) >= 3 for s, t in zip(found, core_tokens, strict=True)
                ):
                    tier = TIER_SOME
                else:
                    continue
                offer(name.item, tier, score, coverage, name.kind, name.text)
        hits = sorted(best.values(), key=lambda h: h.rank)
        return hits[: max(0, limit)]


def _assign(
    tokens: tuple[str, ...], scored: list[dict[str, float]]
) -> tuple[list[float], list[tuple[int, int]]]:
    """The score of each query word on a name (its best word of the name, each word of the
    name used once, best pairs first) and the pairs (query word, name word) matched."""
    if len(scored) == 1:  # one word: its best word of the name
        table = scored[0]
        value, ti = max((table.get(token, 0.0), -ti) for ti, token in enumerate(tokens))
        return ([value], [(0, -ti)]) if value > 0 else ([0.0], [])
    ranked = sorted(
        (
            (value, qi, ti)
            for qi, table in enumerate(scored)
            for ti, token in enumerate(tokens)
            if (value := table.get(token, 0.0)) > 0
        ),
        reverse=True,
    )
    found = [0.0] * len(scored)
    pairs: list[tuple[int, int]] = []
    done_q: set[int] = set()
    done_t: set[int] = set()
    for value, qi, ti in ranked:
        if value <= 0:
            break
        if qi in done_q or ti in done_t:
            continue
        found[qi] = value
        pairs.append((qi, ti))
        done_q.add(qi)
        done_t.add(ti)
    return found, pairs
