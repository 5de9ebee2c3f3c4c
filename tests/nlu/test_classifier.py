"""The classifier: scikit-learn fits it, numpy reads it, and both give the same probabilities."""

from __future__ import annotations

from pathlib import Path
from typing import IO

import numpy as np
import pytest

from nlu import classifier, normalize
from nlu.features import intent_features
from nlu.training import load_examples

UNSEEN = ["qsdkjh zzkkqq", "bonjour les amis", "ሰላም", "بغيت نبيع", ""]


@pytest.fixture(scope="module")
def sample() -> tuple[list[list[str]], list[str]]:
    examples = load_examples()[::6]  # every intent and language, a sixth of the data
    return [intent_features(normalize.fold(e.text)) for e in examples], [e.intent for e in examples]


def test_numpy_prediction_is_scikit_learns(sample: tuple[list[list[str]], list[str]]) -> None:
    feats, targets = sample
    fitted = classifier.calibrated(feats, targets, folds=3)
    model = classifier.from_calibrated(fitted)
    assert model.labels == tuple(fitted.classes_)
    assert 0.2 < model.beta < 5
    probes = feats[:40] + [intent_features(normalize.fold(t)) for t in UNSEEN]
    want = fitted.predict_proba(probes)
    got = np.stack([model.proba(f) for f in probes])
    np.testing.assert_allclose(got, want, atol=1e-4)
    # The decision values too, before calibration.
    inner = fitted.calibrated_classifiers_[0].estimator
    np.testing.assert_allclose(
        np.stack([model.logits(f) for f in probes]), inner.decision_function(probes), atol=1e-4
    )


def test_held_out_probabilities_are_calibrated(sample: tuple[list[list[str]], list[str]]) -> None:
    feats, targets = sample
    model, held_out = classifier.fit(feats, targets, folds=3)
    assert held_out.shape == (len(feats), len(model.labels))
    np.testing.assert_allclose(held_out.sum(axis=1), 1.0, atol=1e-5)
    gold = np.asarray([model.labels.index(t) for t in targets])
    accuracy = float((held_out.argmax(axis=1) == gold).mean())
    confidence = float(held_out.max(axis=1).mean())
    # Temperature scaling makes the mean confidence match the accuracy of held-out predictions.
    assert accuracy > 0.5
    assert abs(confidence - accuracy) < 0.08, (confidence, accuracy)


def test_model_survives_its_file(tmp_path: Path, sample: tuple[list[list[str]], list[str]]) -> None:
    feats, targets = sample
    model = classifier.from_calibrated(classifier.calibrated(feats, targets, folds=3))
    path = tmp_path / "m.npz"
    classifier.save(path, {"intent": model}, {"note": "ሰላም"})
    back, meta = classifier.load(path)
    assert meta == {"note": "ሰላም"}
    assert back["intent"].labels == model.labels
    assert back["intent"].vocab == model.vocab
    for f in feats[:10]:
        np.testing.assert_array_equal(back["intent"].proba(f), model.proba(f))
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]  # no temporary file left


def test_a_failed_write_leaves_the_old_file(
    tmp_path: Path, sample: tuple[list[list[str]], list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    feats, targets = sample
    model = classifier.from_calibrated(classifier.calibrated(feats, targets, folds=3))
    path = tmp_path / "m.npz"
    path.write_bytes(b"the previous model")

    def disk_full(f: IO[bytes], **arrays: object) -> None:
        f.write(b"half a model")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(np, "savez", disk_full)
    with pytest.raises(OSError, match="No space"):
        classifier.save(path, {"intent": model}, {})
    assert path.read_bytes() == b"the previous model"
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]


def test_unknown_features_give_the_prior() -> None:
    model = classifier.LinearModel(
        labels=("a", "b"),
        vocab={"x": 0},
        weights=np.asarray([[1.0, -1.0]], dtype=np.float32),
        idf=np.asarray([1.0], dtype=np.float32),
        intercept=np.asarray([0.0, 0.0], dtype=np.float32),
    )
    np.testing.assert_allclose(model.proba(["nothing", "known"]), [0.5, 0.5])
    assert model.coverage(["x", "y"]) == 0.5
    assert model.proba(["x"])[0] > 0.8
