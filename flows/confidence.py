"""How sure the NLU must be before the engine acts on what it read: one threshold per use.

The NLU's probabilities are calibrated (temperature-scaled on held-out folds), so a bar
of 0.75 means "right about three times in four, or better". Measured on the shipped model
(nlu/challenge and nlu/data/test, 1,069 messages; intents that open a part of the menu):

    confidence   0.4-0.5  0.5-0.6  0.6-0.7  0.7-0.8  0.8-0.9  0.9-1.0
    right        8/10     8/12     18/21    18/18    28/29    598/600

Each bar weighs what a wrong guess costs against one more question. Nothing here ever
deletes, consents or confirms money: those need an explicit answer (flows/answers.py),
whatever the confidence. A new model is re-tuned here: tests/flows/test_confidence.py
checks the bars against the same sets, and the engine cases read these values.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Thresholds:
    # A sentence opens a part of the menu where the menu is shown (or nothing waits). A
    # wrong part costs the person a confusing screen and a way back: worth about three
    # "did you mean" questions, hence 0.75 rather than the break-even 0.5.
    open_part: float = 0.75
    # A sentence leaves a question that waits for an answer (for another part, the menu,
    # a person, "my data", the language list). Losing one's place costs more than a
    # misplaced menu: above every wrong guess of the 0.8-0.9 band but one.
    leave_question: float = 0.85
    # An intent answers a choice that is not marked explicit ("talk to a person?" — yes).
    # Yes/no intents are the NLU's most confused pair with unrelated sentences (an English
    # question read as "affirm" at 0.61): typed yes/no words answer without it.
    answer_choice: float = 0.80
    # From here up to the bar of the use, ask "Did you mean: 📝 my administrative steps?"
    # instead of acting: below it, the guess is wrong about as often as right.
    suggest: float = 0.40
    # A `change_language` intent switches to the language the message names or is written in
    # (and asks there whether to continue in it). A message that names one of our languages
    # needs only the `suggest` bar: the name says more than the intent's probability.
    change_language: float = 0.80
    # The NLU's language confidence from which a message is "clearly" in a language (two
    # such messages in a row in another language ask to switch; at the first question, one).
    clear_language: float = 0.90


THRESHOLDS = Thresholds()
