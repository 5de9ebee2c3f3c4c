"""Samples as lists of string features, laid out for full-batch training with numpy.

Each sample's features are binary and scaled by 1/sqrt(count), so that long and short
messages weigh alike. Prediction does the same sum over the rows a message names.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float32]
Index = npt.NDArray[np.int64]
# A feature every sample has: the intercept.
BIAS = "__bias__"


def feature_scale(count: int) -> np.float32:
    return np.float32(1.0 / np.sqrt(count))


def build_vocab(samples: Sequence[Sequence[str]], min_count: int, always: str) -> dict[str, int]:
    """Features seen in at least `min_count` samples (and `always`), in sorted order."""
    counts: dict[str, int] = {}
    for feats in samples:
        for f in feats:
            counts[f] = counts.get(f, 0) + 1
    vocab = {f: i for i, f in enumerate(sorted(f for f, c in counts.items() if c >= min_count))}
    vocab.setdefault(always, len(vocab))
    return vocab


@dataclass(frozen=True, slots=True)
class Design:
    """The non-zero entries of the (samples x vocab) matrix, grouped both ways."""

    rows: Index
    cols: Index
    vals: Matrix
    row_starts: Index  # where each sample's entries start (entries sorted by row)
    by_col: Index  # entry order sorted by column
    cols_used: Index  # the columns that occur, ascending
    col_starts: Index  # where each used column starts in `by_col` order

    @classmethod
    def of(cls, samples: Sequence[Sequence[str]], vocab: dict[str, int]) -> Design:
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for r, feats in enumerate(samples):
            kept = [vocab[f] for f in feats if f in vocab]
            rows.extend([r] * len(kept))
            cols.extend(kept)
            vals.extend([float(feature_scale(len(feats)))] * len(kept))
        row_a = np.asarray(rows, dtype=np.int64)
        col_a = np.asarray(cols, dtype=np.int64)
        order = np.argsort(col_a, kind="stable")
        uniq, col_starts = np.unique(col_a[order], return_index=True)
        return cls(
            rows=row_a,
            cols=col_a,
            vals=np.asarray(vals, dtype=np.float32),
            row_starts=np.searchsorted(row_a, np.arange(len(samples))),
            by_col=order,
            cols_used=uniq,
            col_starts=col_starts,
        )

    def times(self, table: Matrix, vals: Matrix | None = None) -> Matrix:
        """X @ table: each sample's scaled sum of its rows of `table`."""
        v = self.vals if vals is None else vals
        out: Matrix = np.add.reduceat(table[self.cols] * v[:, None], self.row_starts, axis=0)
        return out

    def gradient(
        self, per_sample: Matrix, shape: tuple[int, int], vals: Matrix | None = None
    ) -> Matrix:
        """X.T @ per_sample, as a dense (vocab x width) matrix."""
        v = self.vals if vals is None else vals
        per_entry = (per_sample[self.rows] * v[:, None])[self.by_col]
        grad = np.zeros(shape, dtype=np.float32)
        grad[self.cols_used] = np.add.reduceat(per_entry, self.col_starts, axis=0)
        return grad


class Adam:
    """Adam updates for a list of arrays, in place."""

    def __init__(self, params: list[Matrix], lr: float) -> None:
        self.params, self.lr, self.step = params, lr, 0
        self.m = [np.zeros_like(p) for p in params]
        self.s = [np.zeros_like(p) for p in params]

    def update(self, grads: list[Matrix]) -> None:
        self.step += 1
        b1, b2 = 0.9, 0.999
        for p, g, m, s in zip(self.params, grads, self.m, self.s, strict=True):
            m *= b1
            m += (1 - b1) * g
            s *= b2
            s += (1 - b2) * g * g
            m_hat = m / (1 - b1**self.step)
            s_hat = s / (1 - b2**self.step)
            p -= self.lr * m_hat / (np.sqrt(s_hat) + 1e-8)


def one_hot(targets: Sequence[str], labels: Sequence[str]) -> Matrix:
    index = {lab: i for i, lab in enumerate(labels)}
    y = np.zeros((len(targets), len(labels)), dtype=np.float32)
    y[np.arange(len(targets)), [index[t] for t in targets]] = 1.0
    return y


def softmax_rows(z: Matrix) -> Matrix:
    z = z - z.max(axis=1, keepdims=True)
    p: Matrix = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    return p


def pack(a: Matrix) -> str:
    """An array as base64 float16 (the model file's form: half the size, ample precision)."""
    return base64.b64encode(a.astype(np.float16).tobytes()).decode("ascii")


def unpack(text: str, shape: tuple[int, ...]) -> Matrix:
    raw = np.frombuffer(base64.b64decode(text), dtype=np.float16).astype(np.float32)
    return raw.reshape(shape)
