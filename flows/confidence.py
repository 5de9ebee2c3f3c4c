"""How sure the NLU must be before the engine acts on what it read: one threshold per use.

The NLU's probabilities are calibrated (temperature-scaled on held-out folds), so a bar of
0.75 means "right about three times in four, or better". Each use needs the NLU right at
least so often (`NEEDS`: what a wrong act costs against one more question), and its bar is
the one the measurements support: `python bench/thresholds.py` reads the sets the NLU never
trained on (nlu/data/test and nlu/challenge*, 1,683 messages) and moves a bar down through
each 0.05 step whose band [bar, bar + 0.1) holds at least 20 readings right as often as the
use needs (at the lower end of the band's 95% Wilson interval), and up past any that is not;
fewer readings are no evidence. On the model of issue 11 (intents that open a part):

    confidence   0.5-0.6  0.6-0.7  0.7-0.8  0.8-0.9  0.9-1.0
    right        22/24    19/21    30/32    51/52    930/932

so a part opens from 0.70 (issue 9's model: 0.75; no lower, as [0.65, 0.75) is right only
27/30, under 0.75 at the low end of its interval) and a sentence leaves a question from 0.80
(was 0.85; [0.80, 0.90) is right 51/52). Yes/no answers, language requests, "did you mean"
and the language switch have too few readings near their bars to move them.

Nothing here ever deletes, consents or confirms money: those need an explicit answer
(flows/answers.py), whatever the confidence. tests/flows/test_confidence.py checks that no
band above a bar contradicts it, and floors of precision and recall.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Thresholds:
    # A sentence opens a part of the menu where the menu is shown (or nothing waits). A
    # wrong part costs the person a confusing screen and a way back: worth about three
    # "did you mean" questions, so it needs the NLU right three times in four.
    open_part: float = 0.70
    # A sentence leaves a question that waits for an answer (for another part, the menu,
    # a person, "my data", the language list). Losing one's place costs more than a
    # misplaced menu.
    leave_question: float = 0.80
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

# How often each use needs the NLU right when it acts, from what a wrong act costs.
NEEDS: Final = Thresholds(
    open_part=0.75,  # a wrong part costs about three questions: 3 / (3 + 1)
    leave_question=0.85,  # losing one's place costs about six
    answer_choice=0.80,
    suggest=0.50,  # a question is worth asking when the guess is right more often than not
    change_language=0.80,
    clear_language=0.95,  # a language switch on a misreading is costly to undo
)
