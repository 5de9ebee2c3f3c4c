"""The embedded model: sparse string features, a multinomial logistic regression, and
(for intents) a hidden layer whose logits are averaged with it.

Features are strings (character n-grams inside word boundaries, words, word pairs);
the model keeps a vocabulary of those seen in training and one weight row per
feature. Prediction sums a few hundred rows: well under a millisecond.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nlu.hidden_layer import HiddenLayer
from nlu.sparse import (
    BIAS,
    Adam,
    Design,
    Matrix,
    build_vocab,
    feature_scale,
    one_hot,
    pack,
    softmax_rows,
    unpack,
)

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
    # When present, its logits are averaged with the linear ones (the intent model).
    hidden: HiddenLayer | None = None

    def logits(self, features: Sequence[str]) -> Matrix:
        idx = [self.vocab[f] for f in features if f in self.vocab]
        out: Matrix = self.weights[idx].sum(axis=0) * feature_scale(len(features))
        if self.hidden is not None:
            out = (out + self.hidden.logits(features)) * np.float32(0.5)
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
        return {
            "labels": list(self.labels),
            "features": order,
            "weights": pack(self.weights),
            "temperature": self.temperature,
            "threshold": self.threshold,
            "hidden": self.hidden.to_json(self.vocab) if self.hidden is not None else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LinearModel:
        labels = tuple(str(x) for x in data["labels"])
        features = [str(f) for f in data["features"]]
        vocab = {f: i for i, f in enumerate(features)}
        hidden = data.get("hidden")
        return cls(
            labels=labels,
            vocab=vocab,
            weights=unpack(data["weights"], (len(features), len(labels))),
            temperature=float(data["temperature"]),
            threshold=float(data["threshold"]),
            hidden=HiddenLayer.from_json(hidden, vocab) if hidden else None,
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
    vocab = build_vocab(samples, min_count, BIAS)
    x = Design.of(samples, vocab)
    y = one_hot(targets, labels)
    w = np.zeros((len(vocab), len(labels)), dtype=np.float32)
    adam = Adam([w], lr)
    for _ in range(steps):
        g = (softmax_rows(x.times(w)) - y) / np.float32(len(samples))
        adam.update([x.gradient(g, w.shape) + l2 * w])
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
