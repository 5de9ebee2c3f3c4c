"""Flow definitions: a flow is named nodes; a node runs actions, may ask, then routes to an exit.

Destinations are a node id of the same flow, `flow:<id>` (enter another flow), `end`, or
`@var.<name>`: the destination the engine remembered in that variable (a part someone asked
for before answering a question), used once; the main menu when nothing is remembered.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

END = "end"
FLOW_PREFIX = "flow:"
VAR_PREFIX = "@var."
PREFIXES = ("field.", "var.", "lookup.")  # router operands that name something


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SendMsg(_Strict):
    type: Literal["send_msg"]
    text: str  # content key
    image: str | None = None  # content key whose value, per language, is a media reference
    audio: str | None = None
    # Values for the text's {placeholders}: "@lookup.retention_days|duration" and the like.
    params: dict[str, str] = Field(default_factory=dict)


class SetField(_Strict):
    type: Literal["set_field"]
    field: str
    value: str  # literal, or "@answer" / "@var.<name>"


class SetLanguage(_Strict):
    type: Literal["set_language"]
    value: str  # a language code, "@answer" or "@guess"


class SetConsent(_Strict):
    type: Literal["set_consent"]
    value: bool


class SetBroadcasts(_Strict):
    """Stop broadcasts to the contact, or start them again."""

    type: Literal["set_broadcasts"]
    value: Literal["stop", "start"]


class RequestHandover(_Strict):
    type: Literal["request_handover"]
    reason: str = "user_request"
    # What led there, for the person who answers: {step: "@var.step"} (values resolved).
    context: dict[str, str] = Field(default_factory=dict)


class DataRequest(_Strict):
    type: Literal["data_request"]
    op: Literal["show", "export", "delete"]


class ReadCoop(_Strict):
    """The contact's coop, for the sales flows: vars coop (its name, "" for a contact in no
    coop), reminders (on/off) and reminder_at."""

    type: Literal["read_coop"]


class ReadSale(_Strict):
    """Read into the sale being told (flows/sale_draft.py): the message (`message`), an
    answer to one of its questions (`product`, `quantity`, `amount`, `payment`, `reading`,
    `field`: what to correct), or start one: `new`, `undo` or `fix` (the last sale). Var
    sale_next then names what to ask next."""

    type: Literal["read_sale"]
    part: Literal[
        "message",
        "new",
        "product",
        "quantity",
        "amount",
        "payment",
        "reading",
        "undo",
        "fix",
        "field",
    ]


class RecordSale(_Strict):
    """The sale being told, as confirmed, to write: a new sale, the undoing of the last one,
    or its correction (by the draft's mode). Only after an explicit answer."""

    type: Literal["record_sale"]


class SaySales(_Strict):
    """The member's sales today, this week and this month, and the coop's today (`totals`);
    or the coop's products, numbered (`products`)."""

    type: Literal["say_sales"]
    what: Literal["totals", "products"] = "totals"


class CheckInvite(_Strict):
    """The coop an invite code opens: var invite (open, member, over, unknown or empty),
    coop (its name) and code (as typed)."""

    type: Literal["check_invite"]
    code: str = "@var.start_payload"


class JoinCoop(_Strict):
    """Join the coop of the code checked just before (var code)."""

    type: Literal["join_coop"]


class SetSaleReminders(_Strict):
    type: Literal["set_sale_reminders"]
    on: bool


class ListWorkshops(_Strict):
    """Say every upcoming workshop, numbered, the next first (vars: workshop_count,
    workshop_ids, options)."""

    type: Literal["list_workshops"]


class PickWorkshop(_Strict):
    """The workshop numbered `number` in the list just shown (vars: workshop and what the
    detail text says of it; workshop is empty when there is no such workshop)."""

    type: Literal["pick_workshop"]
    number: str = "@answer"


class AnswerWorkshop(_Strict):
    """ "I'll come" / "I can't" to the picked workshop."""

    type: Literal["answer_workshop"]
    coming: bool


class RequestStatus(_Strict):
    """When someone will answer a request (var eta, a sentence; var open_requests)."""

    type: Literal["request_status"]


class ListModules(_Strict):
    """The learning modules as choices, ✅ done / ⬜ not yet, and "3 of 7 done" (vars
    options, progress, resume: the module left unfinished, empty when none)."""

    type: Literal["list_modules"]


class OpenModule(_Strict):
    """Start or resume a module (var module; `module` resolves to its id, or to its number
    in the list): its title with its picture and recording, where the person left off."""

    type: Literal["open_module"]
    module: str = "@answer"


class ModuleStep(_Strict):
    """The module's next message as var prompt; var module_state says what comes after
    (more, quiz); at the quiz, var prompt is the question and var options its answers."""

    type: Literal["module_step"]


class AnswerQuiz(_Strict):
    """Feedback on the quiz answer (@answer), the module done, and the next one (var
    next_module, next_title; empty when all are done)."""

    type: Literal["answer_quiz"]


class EligibilityAsk(_Strict):
    """The answer just given (var question, @answer) kept in the conversation; then the next
    question as vars prompt and options, or var question empty when all are answered."""

    type: Literal["eligibility_ask"]
    record: bool = True  # false: start again from the first question


class EligibilityDecide(_Strict):
    """The outcome from the rules, the answers that led to it, what is missing and where to
    get help; kept (only with consent) through the event; the answers leave the session."""

    type: Literal["eligibility_decide"]


class ListSteps(_Strict):
    """The contact's administrative steps as choices, ✅ done / ⬜ not yet (vars options,
    progress, kept: yes when composed from kept answers, step_count)."""

    type: Literal["list_steps"]


class ShowStep(_Strict):
    """One step, by its id or its number in the list: what, documents, where (var step)."""

    type: Literal["show_step"]
    step: str = "@answer"


class MarkStep(_Strict):
    """The shown step (var step) done, not yet, or "I need help"."""

    type: Literal["mark_step"]
    status: Literal["done", "not_yet", "help"]


class SetNudges(_Strict):
    """The weekly nudge about the next step: off ("stop") or on again."""

    type: Literal["set_nudges"]
    on: bool


Action = Annotated[
    SendMsg
    | SetField
    | SetLanguage
    | SetConsent
    | SetBroadcasts
    | RequestHandover
    | DataRequest
    | ReadCoop
    | ReadSale
    | RecordSale
    | SaySales
    | CheckInvite
    | JoinCoop
    | SetSaleReminders
    | ListWorkshops
    | PickWorkshop
    | AnswerWorkshop
    | RequestStatus
    | ListModules
    | OpenModule
    | ModuleStep
    | AnswerQuiz
    | EligibilityAsk
    | EligibilityDecide
    | ListSteps
    | ShowStep
    | MarkStep
    | SetNudges,
    Field(discriminator="type"),
]
# Every action's YAML `type` (pydantic names a failing union member by it).
ACTION_TYPES = frozenset(
    member.model_fields["type"].annotation.__args__[0] for member in get_args(get_args(Action)[0])
)


class Choice(_Strict):
    id: str
    label: str  # content key, or the literal text when `literal` is true
    literal: bool = False
    intents: tuple[str, ...] = ()  # NLU intents that select this choice (never an explicit one)
    # NLU entities that select this choice as a sure intent would: a sale's "quantity" or
    # "product" (reported only in a sale context) opens "my sales" (never an explicit one).
    entities: tuple[str, ...] = ()
    words: tuple[str, ...] = ()  # extra typed words that select it (any language)
    means: Literal["yes", "no"] | None = None  # a yes (or no) word in any language selects it
    # With means "yes", a yes word selects it only if it is a plain yes ("oui", "نعم", "بله",
    # "እወ"; `firm: "yes"`: deleting data), or that or an agreement ("d'accord", "موافق";
    # `firm: "agree"`: consent) — never a soft "ok", 👍, "خوب" or "طيب" (also "fine").
    firm: Literal["yes", "agree"] | None = None
    # Only a pressed button, its number, its label or words, or a yes/no word selects it.
    explicit: bool = False
    hidden: bool = False  # not shown (and not numbered); still selected by its label or words
    goto: str | None = None


class Ask(_Strict):
    kind: Literal["choice", "text", "number"]
    prompt: str  # content key, or "@var.<name>": a text an action put together
    # A variable holding more choices, one per line "id<TAB>title" (a list an action made:
    # modules, steps), or "id<TAB>title<TAB>yes|no" (the choice a yes or a no word selects);
    # shown first, numbered from 1, each routed by the node (answer = id).
    options: str | None = None
    save_as: str | None = None
    choices: tuple[Choice, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    max_length: int = 500
    # Said before the question when it is asked again; "" for a question that says it itself.
    invalid: str = "common.not_understood"
    # Every choice needs an explicit answer (consent): see Choice.explicit.
    explicit: bool = False

    @model_validator(mode="after")
    def _choices_match_kind(self) -> Ask:
        if self.kind == "choice" and not self.visible and not self.options:
            raise ValueError("a choice question needs at least one choice that is not hidden")
        if self.kind != "choice" and (self.choices or self.options):
            raise ValueError(f"a {self.kind} question takes no choices")
        if self.kind != "choice" and self.explicit:
            raise ValueError("only a choice question can need an explicit answer")
        ids = [c.id for c in self.choices]
        if len(ids) != len(set(ids)):
            raise ValueError("choice ids must be unique")
        for c in self.choices:
            if (self.explicit or c.explicit) and (c.intents or c.entities):
                raise ValueError(
                    f"choice {c.id!r} needs an explicit answer: it takes no intents or entities"
                )
        return self

    @property
    def visible(self) -> tuple[Choice, ...]:
        """The choices shown, numbered from 1."""
        return tuple(c for c in self.choices if not c.hidden)

    def with_options(self, listed: str) -> Ask:
        """This question with the choices listed in a variable's value put first."""
        extra = []
        for line in listed.splitlines():
            choice_id, _, rest = line.partition("\t")
            title, _, means = rest.partition("\t")
            if choice_id and title and all(c.id != choice_id for c in self.choices):
                meaning: Literal["yes", "no"] | None = (
                    "yes" if means == "yes" else "no" if means == "no" else None
                )
                extra.append(Choice(id=choice_id, label=title, literal=True, means=meaning))
        return self.model_copy(update={"choices": (*extra, *self.choices)})

    def needs_explicit(self, choice: Choice) -> bool:
        return self.explicit or choice.explicit

    @property
    def guarded(self) -> bool:
        """Some answer needs to be explicit: a guess never answers, anything else re-asks."""
        return self.explicit or any(c.explicit for c in self.choices)


class Case(_Strict):
    goto: str
    equals: str | None = None
    is_in: tuple[str, ...] | None = Field(default=None, alias="in")
    above: float | None = None
    below: float | None = None


class Router(_Strict):
    # "answer", "intent", "lang", "consent", "field.<name>", "var.<name>", "lookup.<name>"
    switch: str
    cases: tuple[Case, ...] = ()
    default: str

    @model_validator(mode="after")
    def _known_operand(self) -> Router:
        plain = {"answer", "intent", "lang", "consent"}
        prefixed = self.switch.startswith(PREFIXES) and "." in self.switch[:-1]
        if self.switch not in plain and not prefixed:
            raise ValueError(
                f"switch {self.switch!r} must be one of {sorted(plain)} "
                "or field.<name>, var.<name>, lookup.<name>"
            )
        return self


class Node(_Strict):
    actions: tuple[Action, ...] = ()
    ask: Ask | None = None
    router: Router | None = None
    goto: str | None = None

    def destinations(self) -> list[str]:
        out: list[str] = []
        if self.ask:
            out += [c.goto for c in self.ask.choices if c.goto]
        if self.router:
            out += [c.goto for c in self.router.cases] + [self.router.default]
        if self.goto:
            out.append(self.goto)
        return out

    def text_keys(self) -> list[str]:
        """The content keys this node shows: messages and their media, the question, the
        answer to a misunderstanding, the choices' labels (in order, without repeats)."""
        keys: list[str] = []
        for act in self.actions:
            if isinstance(act, SendMsg):
                keys += [k for k in (act.text, act.image, act.audio) if k]
        if self.ask:
            prompt = [] if self.ask.prompt.startswith(VAR_PREFIX) else [self.ask.prompt]
            keys += [*prompt, *([self.ask.invalid] if self.ask.invalid else [])]
            keys += [c.label for c in self.ask.choices if not c.literal]
        return list(dict.fromkeys(keys))


class Flow(_Strict):
    id: str
    start: str
    nodes: dict[str, Node]
    # May run before the contact has answered the consent question (onboarding, language,
    # a person). Any other flow waits: the engine shows the privacy notice first.
    before_consent: bool = False
    # Words or phrases (any language, compared folded) that open this flow from anywhere a
    # command would when a message begins with one ("JOIN K7M4Q2"); the rest of the
    # message goes in var start_payload. Not at a question waiting for free text.
    keywords: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _destinations_exist(self) -> Flow:
        if self.start not in self.nodes:
            raise ValueError(f"start node {self.start!r} is not defined")
        for node_id, node in self.nodes.items():
            for dest in node.destinations():
                if dest.startswith(VAR_PREFIX):
                    if len(dest) == len(VAR_PREFIX):
                        raise ValueError(f"node {node_id!r}: {dest!r} names no variable")
                    continue
                if dest != END and not dest.startswith(FLOW_PREFIX) and dest not in self.nodes:
                    raise ValueError(f"node {node_id!r}: unknown destination {dest!r}")
        return self
