"""The second half of the intent model: one hidden layer (ReLU) over the sparse features.

The linear model sums one weight row per feature; it cannot say "these two features
together". This layer can: each feature has an embedding, a message is the scaled sum
of its features' embeddings, and the output reads it through a ReLU. Trained with
dropout on the hidden units. Its logits are averaged with the linear model's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

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


@dataclass(slots=True)
class HiddenLayer:
    vocab: dict[str, int]
    embed: Matrix  # (len(vocab), width)
    bias: Matrix  # (width,)
    out: Matrix  # (width, labels)
    out_bias: Matrix  # (labels,)

    def logits(self, features: Sequence[str]) -> Matrix:
        idx = [self.vocab[f] for f in features if f in self.vocab]
        h = self.embed[idx].sum(axis=0) * feature_scale(len(features)) + self.bias
        z: Matrix = np.maximum(h, 0.0) @ self.out + self.out_bias
        return z

    def to_json(self, shared_vocab: dict[str, int] | None = None) -> dict[str, Any]:
        """`features` is left out (null) when it is `shared_vocab`, the linear model's."""
        same = shared_vocab is not None and shared_vocab == self.vocab
        return {
            "features": None if same else sorted(self.vocab, key=self.vocab.__getitem__),
            "width": int(self.embed.shape[1]),
            "embed": pack(self.embed),
            "bias": pack(self.bias),
            "out": pack(self.out),
            "out_bias": pack(self.out_bias),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], shared_vocab: dict[str, int]) -> HiddenLayer:
        if data["features"] is None:
            vocab = shared_vocab
        else:
            vocab = {str(f): i for i, f in enumerate(data["features"])}
        width = int(data["width"])
        out_bias = unpack(data["out_bias"], (-1,))
        return cls(
            vocab=vocab,
            embed=unpack(data["embed"], (len(vocab), width)),
            bias=unpack(data["bias"], (width,)),
            out=unpack(data["out"], (width, len(out_bias))),
            out_bias=out_bias,
        )


def fit_hidden(
    samples: Sequence[Sequence[str]],
    targets: Sequence[str],
    labels: Sequence[str],
    *,
    width: int = 128,
    steps: int = 200,
    lr: float = 0.01,
    l2: float = 1e-6,
    dropout: float = 0.3,
    min_count: int = 1,
    seed: int = 7,
) -> HiddenLayer:
    """Full-batch Adam on softmax cross-entropy. Every feature counts: leaving out those
    seen once (min_count=2) cost more accuracy than the hidden layer adds."""
    rng = np.random.default_rng(seed)
    vocab = build_vocab(samples, min_count, BIAS)
    x = Design.of(samples, vocab)
    y = one_hot(targets, labels)
    n, k = y.shape
    embed = (rng.standard_normal((len(vocab), width)) * 0.05).astype(np.float32)
    bias = np.zeros(width, dtype=np.float32)
    out = (rng.standard_normal((width, k)) * np.sqrt(2.0 / width)).astype(np.float32)
    out_bias = np.zeros(k, dtype=np.float32)
    adam = Adam([embed, bias, out, out_bias], lr)
    for _ in range(steps):
        a = x.times(embed) + bias
        keep = (rng.random(a.shape) >= dropout).astype(np.float32) / np.float32(1 - dropout)
        h = np.maximum(a, 0.0) * keep
        g = (softmax_rows(h @ out + out_bias) - y) / np.float32(n)
        g_a = (g @ out.T) * keep * (a > 0)
        adam.update(
            [
                x.gradient(g_a, embed.shape) + l2 * embed,
                g_a.sum(axis=0),
                h.T @ g + l2 * out,
                g.sum(axis=0),
            ]
        )
    return HiddenLayer(vocab, embed, bias, out, out_bias)
