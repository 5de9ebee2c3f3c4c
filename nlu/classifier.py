"""The embedded model: hashed-free sparse features and a multinomial logistic regression.

Features are strings (character n-grams inside word boundaries, words, word pairs);
the model keeps a vocabulary of those seen in training and one weight row per
feature. Prediction sums a few hundred rows: well under a millisecond.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float32]
BIAS = "__bias__"
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")


def _char_ngrams(word: str, lo: int, hi: int) -> Iterable[str]:
    padded = f"<{word}>"
    for n in range(lo, hi + 1):
        for i in range(len(padded) - n + 1):
            yield padded[i : i + n]


def intent_features(folded: str) -> list[str]:
    """Features of a folded message for the intent model."""
    words = ["<num>" if _NUMBER.match(w) else w for w in folded.split()]
    feats = {BIAS}
    for w in words:
        feats.add("w:" + w)
        if w != "<num>" and len(w) > 1:
            feats.update("c:" + g for g in _char_ngrams(w, 2, 5))
    for a, b in itertools.pairwise(words):
        feats.add(f"b:{a}_{b}")
    return sorted(feats)


def language_features(text: str) -> list[str]:
    """Features of a lightly normalised, emoji- and number-free message for language ID."""
    feats = {BIAS}
    for w in text.split():
        feats.add("w:" + w)
        feats.update("c:" + g for g in _char_ngrams(w, 1, 4))
    return sorted(feats)


@dataclass(slots=True)
class LinearModel:
    labels: tuple[str, ...]
    vocab: dict[str, int]
    weights: Matrix  # (len(vocab), len(labels))
    temperature: float = 1.0
    threshold: float = 0.0

    def logits(self, features: Sequence[str]) -> Matrix:
        idx = [self.vocab[f] for f in features if f in self.vocab]
        rows = self.weights[idx]
        scale = np.float32(1.0 / np.sqrt(len(features)))
        out: Matrix = rows.sum(axis=0) * scale
        return out

    def coverage(self, features: Sequence[str]) -> float:
        """Share of the features (bias aside) that training has seen."""
        own = [f for f in features if f != BIAS]
        return sum(f in self.vocab for f in own) / len(own) if own else 0.0

    def proba(self, features: Sequence[str]) -> Matrix:
        z = self.logits(features) / np.float32(self.temperature)
        z = z - z.max()
        e = np.exp(z)
        out: Matrix = e / e.sum()
        return out

    def to_json(self) -> dict[str, Any]:
        order = sorted(self.vocab, key=self.vocab.__getitem__)
        raw = self.weights.astype(np.float16).tobytes()
        return {
            "labels": list(self.labels),
            "features": order,
            "weights": base64.b64encode(raw).decode("ascii"),
            "temperature": self.temperature,
            "threshold": self.threshold,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinearModel:
        labels = tuple(str(x) for x in data["labels"])
        features = [str(f) for f in data["features"]]
        raw = base64.b64decode(data["weights"])
        weights = np.frombuffer(raw, dtype=np.float16).astype(np.float32)
        return cls(
            labels=labels,
            vocab={f: i for i, f in enumerate(features)},
            weights=weights.reshape(len(features), len(labels)),
            temperature=float(data["temperature"]),
            threshold=float(data["threshold"]),
        )


def fit(
    samples: Sequence[Sequence[str]],
    targets: Sequence[str],
    labels: Sequence[str],
    *,
    l2: float = 1e-4,
    steps: int = 300,
    lr: float = 0.2,
    min_count: int = 1,
) -> LinearModel:
    """Multinomial logistic regression by full-batch Adam on sparse binary features."""
    counts: dict[str, int] = {}
    for feats in samples:
        for f in feats:
            counts[f] = counts.get(f, 0) + 1
    vocab = {f: i for i, f in enumerate(sorted(f for f, c in counts.items() if c >= min_count))}
    vocab.setdefault(BIAS, len(vocab))
    label_index = {lab: i for i, lab in enumerate(labels)}

    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    for r, feats in enumerate(samples):
        kept = [vocab[f] for f in feats if f in vocab]
        scale = 1.0 / np.sqrt(len(feats))
        rows.extend([r] * len(kept))
        cols.extend(kept)
        vals.extend([scale] * len(kept))
    row_a = np.asarray(rows, dtype=np.int64)
    col_a = np.asarray(cols, dtype=np.int64)
    val_a = np.asarray(vals, dtype=np.float32)
    starts = np.searchsorted(row_a, np.arange(len(samples)))
    order = np.argsort(col_a, kind="stable")
    col_sorted = col_a[order]
    uniq, col_starts = np.unique(col_sorted, return_index=True)

    n, k, v = len(samples), len(labels), len(vocab)
    y = np.zeros((n, k), dtype=np.float32)
    y[np.arange(n), [label_index[t] for t in targets]] = 1.0
    w = np.zeros((v, k), dtype=np.float32)
    m = np.zeros_like(w)
    s = np.zeros_like(w)
    b1, b2, eps = 0.9, 0.999, 1e-8
    for step in range(1, steps + 1):
        contrib = w[col_a] * val_a[:, None]
        z = np.add.reduceat(contrib, starts, axis=0)
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        g_rows = (p - y) / n
        per_nnz = (g_rows[row_a] * val_a[:, None])[order]
        grad = np.zeros_like(w)
        grad[uniq] = np.add.reduceat(per_nnz, col_starts, axis=0)
        grad += l2 * w
        m = b1 * m + (1 - b1) * grad
        s = b2 * s + (1 - b2) * grad * grad
        m_hat = m / (1 - b1**step)
        s_hat = s / (1 - b2**step)
        w -= lr * m_hat / (np.sqrt(s_hat) + eps)
    return LinearModel(tuple(labels), vocab, w)


def fit_temperature(probs: Matrix, gold: Sequence[int]) -> float:
    """The temperature minimising the log-loss of out-of-fold predictions."""
    logp = np.log(np.clip(probs, 1e-9, 1.0))
    idx = np.asarray(gold)
    best_t, best_loss = 1.0, float("inf")
    for t in np.linspace(0.3, 3.0, 55):
        z = logp / t
        z -= z.max(axis=1, keepdims=True)
        q = np.exp(z)
        q /= q.sum(axis=1, keepdims=True)
        loss = float(-np.log(np.clip(q[np.arange(len(idx)), idx], 1e-9, 1.0)).mean())
        if loss < best_loss:
            best_t, best_loss = float(t), loss
    return best_t


def save(path: Path, models: dict[str, LinearModel], meta: dict[str, Any]) -> None:
    payload = {"meta": meta, **{name: m.to_json() for name, m in models.items()}}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, ensure_ascii=False, separators=(",", ":")))


def load(path: Path) -> tuple[dict[str, LinearModel], dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    meta = dict(data.pop("meta"))
    return {name: LinearModel.from_json(d) for name, d in data.items()}, meta
