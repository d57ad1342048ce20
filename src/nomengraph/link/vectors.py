"""TF-IDF vectors of short texts, built with sparse matrices.

Two kinds of features: the stemmed words of a text (:func:`nomengraph.link.text.words`), and the
character 2–4-grams within each folded word, padded with a space at each end (" dev", "eur ").
Both are computed once per distinct word, not per text: a text's character n-grams are the sum of
its words' (a sparse product), which makes indexing tens of thousands of labels a matter of
seconds. Weights: ``1 + log(tf)``, smoothed IDF ``1 + log((1 + n) / (1 + df))``, rows scaled to
unit length, so that the product of two rows is their cosine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy import sparse

from nomengraph.link.text import fold, words

NGRAMS = (2, 3, 4)


def char_grams(word: str) -> list[str]:
    """The character n-grams (``NGRAMS``) of one folded word padded with spaces."""
    padded = f" {word} "
    return [padded[i : i + n] for n in NGRAMS for i in range(len(padded) - n + 1)]


def folded_words(text: str) -> list[str]:
    return fold(text).split()


class Vectorizer:
    """TF-IDF over the features of the units of a text: ``unit`` splits a text into units
    (stemmed words, or folded words), ``features`` gives the features of one unit (itself, or its
    character n-grams). Fitted once on a list of texts; :meth:`transform` ignores features the
    fitted texts did not have."""

    def __init__(
        self,
        units: Callable[[str], Sequence[str]],
        features: Callable[[str], Sequence[str]] | None = None,
    ) -> None:
        self.units = units
        self.features = features
        self.unit_index: dict[str, int] = {}
        self.feature_index: dict[str, int] = {}
        self.unit_rows: list[list[int]] = []
        self.idf = np.zeros(0, dtype=np.float32)
        self._unit_matrix: sparse.csr_matrix | None = None
        self.fitted = 0

    def _units(self, texts: Sequence[str], grow: bool) -> sparse.csr_matrix:
        """Counts of units (columns) in each text (rows); unseen units are added when ``grow``."""
        indptr = [0]
        indices: list[int] = []
        for text in texts:
            for u in self.units(text):
                i = self.unit_index.get(u)
                if i is None:
                    if not grow:
                        continue
                    i = self._add_unit(u)
                indices.append(i)
            indptr.append(len(indices))
        data = np.ones(len(indices), dtype=np.float32)
        m = sparse.csr_matrix(
            (data, np.array(indices, dtype=np.int64), np.array(indptr, dtype=np.int64)),
            shape=(len(texts), len(self.unit_index)),
        )
        m.sum_duplicates()
        return m

    def _add_unit(self, unit: str) -> int:
        i = len(self.unit_index)
        self.unit_index[unit] = i
        feats = self.features(unit) if self.features else [unit]
        self.unit_rows.append(
            [self.feature_index.setdefault(f, len(self.feature_index)) for f in feats]
        )
        return i

    def _unit_features(self) -> sparse.csr_matrix:
        if self._unit_matrix is None or self._unit_matrix.shape[0] != len(self.unit_rows):
            indptr = np.cumsum([0] + [len(r) for r in self.unit_rows])
            indices = np.fromiter(
                (f for r in self.unit_rows for f in r), dtype=np.int64, count=int(indptr[-1])
            )
            m = sparse.csr_matrix(
                (np.ones(len(indices), dtype=np.float32), indices, indptr),
                shape=(len(self.unit_rows), len(self.feature_index)),
            )
            m.sum_duplicates()
            self._unit_matrix = m
        return self._unit_matrix

    def _counts(self, texts: Sequence[str], grow: bool) -> sparse.csr_matrix:
        counts = (self._units(texts, grow) @ self._unit_features()).tocsr()
        counts.sum_duplicates()
        return counts

    def fit_transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        counts = self._counts(texts, grow=True)
        df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float64)
        n = counts.shape[0]
        self.idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
        self.fitted = counts.shape[1]
        return self._weigh(counts)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Vectors in the fitted space: a new word's character n-grams still count where the
        fitted texts had them."""
        units = self._units(texts, grow=True)
        counts = units @ self._unit_features()[:, : self.fitted]
        return self._weigh(sparse.csr_matrix(counts))

    def _weigh(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        m = counts.astype(np.float32)
        m.data = 1.0 + np.log(m.data)
        m = m @ sparse.diags(self.idf[: m.shape[1]])
        m = sparse.csr_matrix(m)
        norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sparse.csr_matrix(sparse.diags(1.0 / norms) @ m, dtype=np.float32)


def word_vectorizer() -> Vectorizer:
    """Stemmed content words."""
    return Vectorizer(words)


def char_vectorizer() -> Vectorizer:
    """Character 2–4-grams within folded words."""
    return Vectorizer(folded_words, char_grams)
