"""Where the embedded model lives: built from `nlu/data` into a cache folder, never committed.

A model file is named by the fingerprint of what shapes it (the training data and the
training code). When the file for the current fingerprint is missing, it is built (a few
seconds), with one line on standard error, written atomically, and older models in the
folder are removed. A lock lets one process build while others starting at the same time wait.
"""

from __future__ import annotations

import fcntl
import os
import sys
from pathlib import Path
from typing import Final

ENV_VAR: Final = "NLU_MODEL_DIR"
DEFAULT_DIR: Final = Path("var") / "nlu"
_PATTERN: Final = "embedded-*.npz"


def model_dir(explicit: Path | str | None = None) -> Path:
    """The cache folder: `explicit`, else $NLU_MODEL_DIR, else var/nlu."""
    return Path(explicit or os.environ.get(ENV_VAR) or DEFAULT_DIR)


def model_path(directory: Path, data_dir: Path | None = None) -> Path:
    from nlu.training import DATA_DIR, model_fingerprint

    return directory / f"embedded-{model_fingerprint(data_dir or DATA_DIR)}.npz"


def ensure(
    directory: Path | str | None = None, data_dir: Path | None = None, *, force: bool = False
) -> Path:
    """The path of a model trained on `data_dir` with the current code, built if needed
    (always with `force`)."""
    from nlu.training import DATA_DIR, train

    folder = model_dir(directory)
    data = data_dir or DATA_DIR
    path = model_path(folder, data)
    if path.exists() and not force:
        return path
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process may be building it right now
        if path.exists() and not force:
            return path
        if force:
            why = "asked for"
        elif any(folder.glob(_PATTERN)):
            why = "its data or code changed"
        else:
            why = "none yet"
        print(
            f"nlu: training the model from {data} into {path} ({why})", file=sys.stderr, flush=True
        )
        train(data, path)
        for old in folder.glob(_PATTERN):
            if old != path:
                old.unlink(missing_ok=True)
    return path
