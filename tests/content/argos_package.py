"""A tiny but real Argos package, built in a fraction of a second: a word-for-word translator.

The SentencePiece model is trained on a few hundred generated lines, with each dictionary
word kept as one piece. The CTranslate2 model is a one-layer Transformer whose weights are
set by hand so that output position i copies source piece i through a permutation of the
vocabulary (each dictionary word swapped with its translation, every other piece kept):

- the hidden state has a block for positions (learned encodings, one-hot), a block for
  pieces (one-hot) and one flag dimension; RMS norm keeps one-hot vectors one-hot;
- cross-attention's queries and keys read the position block, so decoder step i attends
  to source position i; its values read the piece block and write it into the decoder;
- the source </s> carries the flag, as does every decoder position: a step past the end
  of the source matches </s> best, so every beam ends with </s>;
- the output projection maps each source piece to its translation.

So "bonjour" → "hello" exactly, unknown words pass through unchanged, and argostranslate
loads, splits, tokenizes, translates and detokenizes for real.
"""

from __future__ import annotations

import json
import random
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

# Decoder and encoder positions; our splitter caps sentences at 250 characters.
MAX_POSITIONS = 256
_FILLER_TEXT = (
    "le la les un une de du des et à pour avec nous vous ils est sont a ont the a an of "
    "and to for with we you they is are has in on at Le La Nous Vous The We"
)
_FILLER = tuple(_FILLER_TEXT.split())


@dataclass(frozen=True)
class TinyPair:
    """One package: `source` → `target` (Argos codes), translating `words` piece by piece.

    Keys and values of `words` are words (kept as one piece with their leading space) or
    punctuation marks (kept as one piece on their own).
    """

    source: str
    target: str
    words: dict[str, str]
    version: str = "0.1"
    extra_text: tuple[str, ...] = field(default=())

    @property
    def name(self) -> str:
        return f"tiny-{self.source}_{self.target}"


def _piece(token: str) -> str:
    return f"▁{token}" if token[0].isalpha() else token


def _corpus(pair: TinyPair, lines: int = 300) -> list[str]:
    rng = random.Random(f"{pair.source}-{pair.target}")
    words = [*pair.words, *pair.words.values(), *_FILLER, *pair.extra_text]
    out = []
    for _ in range(lines):
        sentence = " ".join(rng.choice(words) for _ in range(rng.randint(2, 9)))
        out.append(sentence + rng.choice([".", " !", " ?", ",", ""]))
    # Every character of the texts the tests use, so none becomes <unk>.
    out.append("ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz éèêàçùô 0123456789")
    out.append(". , ; : ! ? ' \" ( ) - € … « »")
    return out


def _train_sentencepiece(pair: TinyPair, directory: Path) -> list[str]:
    import sentencepiece as spm

    symbols = sorted({_piece(t) for t in (*pair.words, *pair.words.values())})
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(_corpus(pair)),
        model_prefix=str(directory / "sentencepiece"),
        vocab_size=120,
        hard_vocab_limit=False,
        model_type="unigram",
        character_coverage=1.0,
        user_defined_symbols=symbols,
        num_threads=1,
        minloglevel=2,
    )
    (directory / "sentencepiece.vocab").unlink()
    processor = spm.SentencePieceProcessor(model_file=str(directory / "sentencepiece.model"))
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _save_model(pair: TinyPair, vocab: list[str], directory: Path) -> None:
    from ctranslate2.specs import transformer_spec

    index = {piece: i for i, piece in enumerate(vocab)}
    size = len(vocab)
    translation = np.arange(size)
    for source, target in pair.words.items():
        a, b = index[_piece(source)], index[_piece(target)]
        translation[a], translation[b] = b, a

    positions = np.arange(MAX_POSITIONS)
    pieces = MAX_POSITIONS + np.arange(size)
    flag = MAX_POSITIONS + size
    dim = flag + 1

    def zeros(*shape: int) -> np.ndarray:
        return np.zeros(shape, dtype=np.float32)

    def select(rows: np.ndarray | list[int], scale: float = 1.0) -> np.ndarray:
        matrix = zeros(dim, dim)
        matrix[rows, rows] = scale
        return matrix

    def norm(spec: Any) -> None:
        spec.gamma = np.ones(dim, dtype=np.float32)

    def linear(spec: Any, weight: np.ndarray) -> None:
        spec.weight = weight
        spec.bias = zeros(weight.shape[0])

    def silent(layer: Any) -> None:
        """Self-attention and feed-forward that add nothing to the residual stream."""
        norm(layer.self_attention.layer_norm)
        linear(layer.self_attention.linear[0], zeros(3 * dim, dim))
        linear(layer.self_attention.linear[1], zeros(dim, dim))
        norm(layer.ffn.layer_norm)
        linear(layer.ffn.linear_0, zeros(dim, dim))
        linear(layer.ffn.linear_1, zeros(dim, dim))

    spec = transformer_spec.TransformerSpec.from_config((1, 1), num_heads=1, rms_norm=True)
    position_table = zeros(MAX_POSITIONS, dim)
    position_table[positions, positions] = 1.0
    piece_table = zeros(size, dim)
    piece_table[np.arange(size), pieces] = 1.0
    piece_table[index["</s>"], flag] = 1.0

    encoder = spec.encoder
    encoder.scale_embeddings = False
    encoder.embeddings[0].weight = piece_table
    encoder.position_encodings.encodings = position_table
    norm(encoder.layer_norm)
    for layer in encoder.layer:
        silent(layer)

    decoder = spec.decoder
    decoder.scale_embeddings = False
    decoder.embeddings.weight = zeros(size, dim)  # the previous output piece plays no part
    decoder_positions = position_table.copy()
    decoder_positions[:, flag] = 1.0
    decoder.position_encodings.encodings = decoder_positions
    norm(decoder.layer_norm)
    where = select([*positions, flag])
    for layer in decoder.layer:
        silent(layer)
        attention = layer.attention
        norm(attention.layer_norm)
        linear(attention.linear[0], 20.0 * where)  # queries: the position (sharp)
        linear(attention.linear[1], np.concatenate([where, select(pieces)]))  # keys, values
        linear(attention.linear[2], select(pieces))
    projection = zeros(size, dim)
    projection[translation, pieces] = 10.0
    linear(decoder.projection, projection)

    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.config.add_source_eos = True
    spec.validate()
    spec.optimize(quantization=None)
    model_dir = directory / "model"
    model_dir.mkdir()
    spec.save(str(model_dir))


def build_package(pair: TinyPair, out_dir: Path) -> Path:
    """Write `<name>.argosmodel` (a zip of one folder with metadata.json) into `out_dir`."""
    folder = out_dir / pair.name
    folder.mkdir(parents=True)
    vocab = _train_sentencepiece(pair, folder)
    _save_model(pair, vocab, folder)
    metadata = {
        "package_version": pair.version,
        "argos_version": "1.9",
        "from_code": pair.source,
        "from_name": pair.source,
        "to_code": pair.target,
        "to_name": pair.target,
        "type": "translate",
    }
    (folder / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    archive = out_dir / f"{pair.name}.argosmodel"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            zf.write(path, path.relative_to(out_dir).as_posix())
    return archive
