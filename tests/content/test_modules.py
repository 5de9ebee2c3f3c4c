"""Learning modules: the shipped ones are well formed; bad files get errors naming the file and
the field; an eighth module is a YAML change only; progress and resuming."""

from __future__ import annotations

from pathlib import Path

import pytest

from content.catalog import LANGS, load_locale_files
from content.loading import ContentError
from content.messages import CONFIRM
from content.modules import (
    MODULES_DIR,
    learn_progress,
    load_modules,
    module_by_id,
    modules_from_sources,
    next_module,
    parse_module,
)

MODULES = load_modules()
TEXTS = load_locale_files()

GOOD = """\
id: savings
order: 8
title: learn.savings.title
messages:
  - learn.savings.m1
  - {text: learn.savings.m2, check: true}
quiz:
  question: learn.savings.quiz.question
  choices:
    - {id: yes_, label: learn.savings.quiz.yes_}
    - {id: no_, label: learn.savings.quiz.no_}
  answer: yes_
  right: learn.savings.quiz.right
  wrong: learn.savings.quiz.wrong
"""


def test_the_seven_topics_are_shipped_in_order() -> None:
    ids = [m.id for m in MODULES]
    assert ids[:7] == [
        "cooperative",
        "cae",
        "ephemeral",
        "partners",
        "administration",
        "rights",
        "selling",
    ]
    orders = [m.order for m in MODULES]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.id)
def test_module_structure(module: object) -> None:
    from content.modules import Module

    assert isinstance(module, Module)
    assert 2 <= len(module.messages) <= 5
    quiz = module.quiz
    assert 2 <= len(quiz.choices) <= 3
    assert sum(quiz.is_right(c.id) for c in quiz.choices) == 1
    assert quiz.feedback(quiz.answer) == quiz.right
    wrong = next(c.id for c in quiz.choices if c.id != quiz.answer)
    assert quiz.feedback(wrong) == quiz.wrong
    for lang in LANGS:
        title = TEXTS[lang][module.title]
        assert len(title) <= 24, f"{lang}: title {title!r} is longer than a list item (24)"
        for choice in quiz.choices:
            label = TEXTS[lang][choice.label]
            assert len(label) <= 20, f"{lang}: quiz button {label!r} is longer than 20"


def test_facts_to_confirm_end_with_a_person() -> None:
    cae = module_by_id(MODULES, "cae")
    assert cae is not None
    sent = cae.to_send()
    # The CAE's contribution ("often about 10%") is marked (check) in DOMAIN.md.
    contribution = next(m for m in sent if m[0] == "learn.cae.m4")
    assert contribution == ("learn.cae.m4", CONFIRM)
    assert all(CONFIRM not in m for m in sent if m[0] != "learn.cae.m4")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("order: 8", "order: 0"),
            "m.yaml: field order: Input should be greater than or equal to 1",
        ),
        (("id: savings", "id: Savings!"), "m.yaml: field id: String should match pattern"),
        (("  answer: yes_", "  answer: maybe"), "answer 'maybe' is not one of the choices"),
        (
            ("  - learn.savings.m1\n", ""),
            "m.yaml: field messages: Tuple should have at least 2 items",
        ),
        (
            ("title: learn.savings.title", "title: Mon titre"),
            "m.yaml: field title: String should match",
        ),
        (("quiz:", "colour: red\nquiz:"), "m.yaml: field colour: Extra inputs are not permitted"),
        (
            ("    - {id: no_, label: learn.savings.quiz.no_}", "    - {id: no_}"),
            "m.yaml: field quiz.choices[no_].label: Field required",
        ),
        (
            ("    - {id: no_,", "    - {id: yes_,"),
            "m.yaml: field quiz: Value error, choice ids must be unique",
        ),
        (
            ("quiz:", "audio: {fr: learn/savings.fr.wav}\nquiz:"),
            "m.yaml: field audio: Value error, "
            "fr: 'learn/savings.fr.wav' must be a file under media/",
        ),
        (
            ("quiz:", "image: {de: learn/savings.png}\nquiz:"),
            "field image: Value error, 'de' is not a language",
        ),
        (
            ("quiz:", "image: {fr: ../secret.png}\nquiz:"),
            "m.yaml: field image.fr: String should match",
        ),
        (("id: savings", "id: [unclosed"), "m.yaml: not valid YAML"),
    ],
)
def test_bad_module_errors_name_file_and_field(change: tuple[str, str], expected: str) -> None:
    old, new = change
    assert old in GOOD
    with pytest.raises(ContentError) as err:
        parse_module(GOOD.replace(old, new), "m.yaml")
    assert expected in str(err.value)


def test_a_list_is_not_a_module() -> None:
    with pytest.raises(ContentError, match=r"m\.yaml: the file must be a mapping"):
        parse_module("- a\n- b\n", "m.yaml")


def test_ids_and_orders_are_unique_across_files() -> None:
    other = GOOD.replace("id: savings", "id: other")
    with pytest.raises(ContentError, match=r"b\.yaml: field order: 8 is already used by a\.yaml"):
        modules_from_sources([("a.yaml", GOOD), ("b.yaml", other)])
    with pytest.raises(
        ContentError, match=r"b\.yaml: field id: 'savings' is already used by a\.yaml"
    ):
        modules_from_sources([("a.yaml", GOOD), ("b.yaml", GOOD.replace("order: 8", "order: 9"))])


def test_an_eighth_module_is_a_yaml_file(tmp_path: Path) -> None:
    for path in MODULES_DIR.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "savings.yaml").write_text(GOOD.replace("order: 8", "order: 35"), encoding="utf-8")
    modules = load_modules(tmp_path, tmp_path / "media")
    assert len(modules) == len(MODULES) + 1
    assert [m.id for m in modules][3] == "savings"  # order 35: after "ephemeral" (30)
    assert next_module(modules, {"cooperative", "cae", "ephemeral"}) == module_by_id(
        modules, "savings"
    )


def test_media_must_exist_and_falls_back_as_it_helps(tmp_path: Path) -> None:
    source = GOOD.replace(
        "quiz:",
        "image: {fr: learn/savings.png}\naudio: {ar: learn/savings.ar.ogg}\nquiz:",
    )
    with pytest.raises(
        ContentError, match=r"m\.yaml: field image\.fr: no file media/learn/savings\.png"
    ):
        modules_from_sources([("m.yaml", source)], lambda ref: (tmp_path / ref).is_file())
    (tmp_path / "learn").mkdir()
    (tmp_path / "learn" / "savings.png").write_bytes(b"\x89PNG")
    (tmp_path / "learn" / "savings.ar.ogg").write_bytes(b"OggS")
    (module,) = modules_from_sources([("m.yaml", source)], lambda ref: (tmp_path / ref).is_file())
    assert module.image_for("ti") == "learn/savings.png"  # a picture helps in any language
    assert module.audio_for("ar") == "learn/savings.ar.ogg"
    assert module.audio_for("fr") is None  # a recording in Arabic does not help a French reader


def test_shipped_media_references_exist() -> None:
    # load_modules() checks every reference against content/media/; here with the real folder.
    assert load_modules() == MODULES


def test_progress_counts_existing_modules_only() -> None:
    p = learn_progress(MODULES, {"cooperative", "cae", "gone"})
    assert (p.done, p.total, p.finished) == (2, len(MODULES), False)
    assert learn_progress(MODULES, {m.id for m in MODULES}).finished


@pytest.mark.parametrize(
    ("done", "after", "expected"),
    [
        (set(), None, "cooperative"),  # a first visit starts at the beginning
        ({"cooperative"}, "cooperative", "cae"),  # "next module" after finishing one
        ({"cooperative", "ephemeral"}, "cooperative", "cae"),
        ({"cooperative", "cae"}, "cae", "ephemeral"),
        ({"cae", "ephemeral"}, None, "cooperative"),  # resume: the first not done
        ({"selling"}, "selling", "cooperative"),  # after the last, wrap to the first not done
        ({"cooperative", "cae"}, "rights", "selling"),  # left "rights" undone: go on after it
    ],
)
def test_next_module(done: set[str], after: str | None, expected: str) -> None:
    module = next_module(MODULES, done, after)
    assert module is not None and module.id == expected


def test_next_module_when_all_are_done() -> None:
    assert next_module(MODULES, {m.id for m in MODULES}, "selling") is None
