"""The sentence splitter used before machine translation: a table of cases."""

from __future__ import annotations

import pytest

from content.sentences import MAX_SENTENCE_CHARS, SentenceSplitter, split_sentences

CASES = [
    ("Bonjour. Merci !", ["Bonjour.", "Merci !"]),
    (
        "Bonjour ! Le rendez-vous est à 10 h. Venez-vous ?",
        ["Bonjour !", "Le rendez-vous est à 10 h.", "Venez-vous ?"],
    ),
    (
        "Le prix est 3.5 € ou 4,50 €. Voir bonjour.fr demain",
        ["Le prix est 3.5 € ou 4,50 €.", "Voir bonjour.fr demain"],
    ),
    (
        "M. Diallo et Mme. Haile arrivent. Dr. Ali aussi.",
        ["M. Diallo et Mme. Haile arrivent.", "Dr. Ali aussi."],
    ),
    ("Attendez... Oui !!! D'accord?! Bien", ["Attendez...", "Oui !!!", "D'accord?!", "Bien"]),
    ("« C'est fini. » Après ça, on part.", ["« C'est fini. »", "Après ça, on part."]),
    ("مرحبا! كيف حالك؟ شكرا.", ["مرحبا!", "كيف حالك؟", "شكرا."]),
    ("سلام. چطور هستید؟ تشکر", ["سلام.", "چطور هستید؟", "تشکر"]),
    ("ሰላም። ከመይ ኣለኻ፧የቐንየለይ።", ["ሰላም።", "ከመይ ኣለኻ፧", "የቐንየለይ።"]),
    ("no full stop at all", ["no full stop at all"]),
    ("  spaced   out.   ", ["spaced   out."]),
    ("", []),
    ("   ", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:24] or "empty" for c in CASES])
def test_split(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_a_run_on_text_is_cut_at_spaces_and_loses_nothing() -> None:
    text = " ".join(f"mot{i}" for i in range(2000))  # about 15,000 characters, no full stop
    sentences = split_sentences(text)
    assert all(len(s) <= MAX_SENTENCE_CHARS for s in sentences)
    assert " ".join(sentences) == text


def test_a_word_longer_than_a_sentence_is_cut_too() -> None:
    text = "x" * (2 * MAX_SENTENCE_CHARS + 10)
    assert "".join(split_sentences(text)) == text
    assert [len(s) for s in split_sentences(text)] == [MAX_SENTENCE_CHARS] * 2 + [10]


def test_the_splitter_counts_what_it_hands_out() -> None:
    splitter = SentenceSplitter()
    assert splitter.split_sentences("Un. Deux. Trois.") == ["Un.", "Deux.", "Trois."]
    splitter.split_sentences("Quatre")
    assert splitter.sentences == 4
