"""The embedded classifiers: fitted by scikit-learn, read with numpy.

Fitting is scikit-learn's: TF-IDF weights over our string features (`nlu.features`),
`SGDClassifier(loss="log_loss")`, and `CalibratedClassifierCV(method="temperature")`, whose
temperature is fitted on cross-validated predictions. What they learn is a vocabulary, idf
weights, one coefficient row per feature, intercepts and an inverse temperature; a prediction
sums the rows a message names. That sum is done here with numpy, because importing
scikit-learn at run time costs 1.35 s and 129 MB of RSS (numpy alone: 0.16 s, 26 MB;
`/usr/bin/time -v python -c "import sklearn.linear_model, sklearn.calibration"`), which would
break the load (< 2 s) and memory (< 200 MB) targets. `tests/nlu/test_classifier.py` checks
that this sum gives scikit-learn's `predict_proba`.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.pipeline import Pipeline

Matrix = npt.NDArray[np.float32]
Bytes = npt.NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class LinearModel:
    labels: tuple[str, ...]
    vocab: dict[str, int]
    weights: Matrix  # (features, labels): idf × coefficient
    idf: Matrix  # (features,): for the message's l2 norm
    intercept: Matrix  # (labels,)
    beta: float = 1.0  # inverse temperature
    threshold: float = 0.0  # below this top probability, the answer is out_of_scope

    def logits(self, features: Sequence[str]) -> Matrix:
        idx = [self.vocab[f] for f in features if f in self.vocab]
        if not idx:
            return self.intercept.copy()
        w = self.idf[idx]
        out: Matrix = self.weights[idx].sum(axis=0) / np.sqrt(np.dot(w, w)) + self.intercept
        return out

    def proba(self, features: Sequence[str]) -> Matrix:
        z = self.logits(features) * np.float32(self.beta)
        e = np.exp(z - z.max())
        out: Matrix = e / e.sum()
        return out

    def coverage(self, features: Sequence[str]) -> float:
        """Share of the features that training has seen."""
        return sum(f in self.vocab for f in features) / len(features) if features else 0.0

    def arrays(self, prefix: str) -> dict[str, npt.NDArray[Any]]:
        order = sorted(self.vocab, key=self.vocab.__getitem__)
        return {
            f"{prefix}.labels": _text("\n".join(self.labels)),
            f"{prefix}.features": _text("\n".join(order)),
            f"{prefix}.weights": self.weights,
            f"{prefix}.idf": self.idf,
            f"{prefix}.intercept": self.intercept,
            f"{prefix}.params": np.asarray([self.beta, self.threshold], dtype=np.float64),
        }

    @classmethod
    def from_arrays(cls, data: Any, prefix: str) -> LinearModel:
        features = _untext(data[f"{prefix}.features"]).split("\n")
        beta, threshold = (float(x) for x in data[f"{prefix}.params"])
        return cls(
            labels=tuple(_untext(data[f"{prefix}.labels"]).split("\n")),
            vocab={f: i for i, f in enumerate(features)},
            weights=data[f"{prefix}.weights"],
            idf=data[f"{prefix}.idf"],
            intercept=data[f"{prefix}.intercept"],
            beta=beta,
            threshold=threshold,
        )


def _text(s: str) -> Bytes:
    return np.frombuffer(s.encode("utf-8"), dtype=np.uint8)


def _untext(a: Bytes) -> str:
    return bytes(a).decode("utf-8")


def _as_is(features: list[str]) -> list[str]:
    """The vectoriser's analyzer: samples arrive as feature lists already."""
    return features


def pipeline(alpha: float, epochs: int, seed: int) -> Pipeline:
    """TF-IDF over binary features, then a logistic regression fitted by SGD."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import SGDClassifier
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(analyzer=_as_is, binary=True, dtype=np.float32),
        SGDClassifier(loss="log_loss", alpha=alpha, max_iter=epochs, tol=None, random_state=seed),
    )


def calibrated(
    samples: Sequence[list[str]],
    targets: Sequence[str],
    *,
    alpha: float = 1e-5,
    epochs: int = 15,
    folds: int = 5,
    seed: int = 7,
) -> CalibratedClassifierCV:
    """`pipeline()` fitted on everything, its temperature on `folds` held-out folds."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.model_selection import StratifiedKFold

    cv = StratifiedKFold(folds, shuffle=True, random_state=seed)
    return CalibratedClassifierCV(
        pipeline(alpha, epochs, seed), method="temperature", ensemble=False, cv=cv
    ).fit(list(samples), np.asarray(targets))


def from_calibrated(fitted: CalibratedClassifierCV) -> LinearModel:
    """The arrays of a fitted `calibrated()`."""
    inner = fitted.calibrated_classifiers_[0]
    # The calibrator encodes string labels as 0..k-1 before fitting the pipeline.
    labels = tuple(str(c) for c in fitted.classes_)
    return from_pipeline(inner.estimator, labels, float(inner.calibrators[0].beta_))


def fit(
    samples: Sequence[list[str]],
    targets: Sequence[str],
    *,
    alpha: float = 1e-5,
    epochs: int = 15,
    folds: int = 5,
    seed: int = 7,
) -> tuple[LinearModel, Matrix]:
    """The calibrated model, and its cross-validated (out-of-fold) probabilities, whose rows
    follow `samples` and columns the model's labels (`folds` more fits)."""
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    model = from_calibrated(
        calibrated(samples, targets, alpha=alpha, epochs=epochs, folds=folds, seed=seed)
    )
    # The same folds again, for what the calibration saw: held-out decision values.
    cv = StratifiedKFold(folds, shuffle=True, random_state=seed)
    held_out = cross_val_predict(
        pipeline(alpha, epochs, seed),
        list(samples),
        np.asarray(targets),
        cv=cv,
        method="decision_function",
    )
    return model, softmax_rows(np.asarray(held_out, dtype=np.float32) * np.float32(model.beta))


def from_pipeline(
    fitted: Pipeline, labels: tuple[str, ...] | None = None, beta: float = 1.0
) -> LinearModel:
    """The arrays of a fitted `pipeline()`; `labels` name its classes when it saw codes."""
    vectoriser, sgd = fitted[0], fitted[-1]
    idf = np.asarray(vectoriser.idf_, dtype=np.float32)
    coef = np.asarray(sgd.coef_, dtype=np.float32)  # (labels, features)
    return LinearModel(
        labels=labels or tuple(str(c) for c in sgd.classes_),
        vocab={str(f): int(i) for f, i in vectoriser.vocabulary_.items()},
        weights=np.ascontiguousarray((coef * idf).T),
        idf=idf,
        intercept=np.asarray(sgd.intercept_, dtype=np.float32),
        beta=beta,
    )


def softmax_rows(z: Matrix) -> Matrix:
    z = z - z.max(axis=1, keepdims=True)
    p: Matrix = np.exp(z)
    p /= p.sum(axis=1, keepdims=True)
    return p


def save(path: Path, models: dict[str, LinearModel], meta: dict[str, Any]) -> None:
    """Write the models atomically: a temporary file in the same folder, then a rename."""
    arrays: dict[str, npt.NDArray[Any]] = {"meta": _text(json.dumps(meta, ensure_ascii=False))}
    for name, model in models.items():
        arrays.update(model.arrays(name))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)  # type: ignore[arg-type]
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a model is not secret
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(path: Path) -> tuple[dict[str, LinearModel], dict[str, Any]]:
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    names = sorted({k.split(".")[0] for k in arrays if k != "meta"})
    meta = json.loads(_untext(arrays["meta"]))
    return {n: LinearModel.from_arrays(arrays, n) for n in names}, meta
