"""The two halves of the intent model: what the hidden layer adds, and how it is stored."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nlu.classifier import LinearModel, fit
from nlu.hidden_layer import fit_hidden
from nlu.sparse import BIAS

# "yes" only when exactly one of a and b is present: no linear model can separate it.
XOR = [([BIAS], "no"), ([BIAS, "a"], "yes"), ([BIAS, "b"], "yes"), ([BIAS, "a", "b"], "no")] * 5
LABELS = ("yes", "no")


def _accuracy(model: LinearModel) -> float:
    hits = [model.labels[int(model.proba(feats).argmax())] == want for feats, want in XOR]
    return sum(hits) / len(hits)


def test_hidden_layer_learns_what_the_linear_model_cannot() -> None:
    samples, targets = [f for f, _ in XOR], [t for _, t in XOR]
    linear = fit(samples, targets, LABELS, l2=0.0, steps=300)
    assert _accuracy(linear) <= 0.75
    linear.hidden = fit_hidden(samples, targets, LABELS, width=16, steps=300, dropout=0.0)
    assert _accuracy(linear) == 1.0


@pytest.mark.parametrize("min_count", [1, 11])
def test_model_with_hidden_layer_survives_json(min_count: int) -> None:
    samples, targets = [f for f, _ in XOR], [t for _, t in XOR]
    model = fit(samples, targets, LABELS, steps=50)
    model.hidden = fit_hidden(samples, targets, LABELS, width=8, steps=50, min_count=min_count)
    # The same vocabulary is stored once; a smaller one (min_count 11 leaves "a", "b" out) too.
    assert (model.hidden.vocab == model.vocab) == (min_count == 1)
    back = LinearModel.from_json(json.loads(json.dumps(model.to_json())))
    assert back.hidden is not None and back.hidden.vocab == model.hidden.vocab
    for feats, _ in XOR[:4]:
        # Weights are stored as float16.
        np.testing.assert_allclose(back.proba(feats), model.proba(feats), atol=2e-3)
