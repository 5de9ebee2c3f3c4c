"""A flow as a facilitator reads it: each node's messages, its question and choices, and
where each answer leads, with the texts in one chosen language."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flows.model import (
    END,
    FLOW_PREFIX,
    VAR_PREFIX,
    Case,
    DataRequest,
    Flow,
    Node,
    RequestHandover,
    SendMsg,
    SetConsent,
    SetField,
    SetLanguage,
)

Texts = Mapping[str, Mapping[str, str]]  # language -> key -> text, as stored
QUESTION_KINDS = {"choice": "choix", "text": "texte libre", "number": "nombre"}
SWITCHES = {"answer": "la réponse", "intent": "l'intention comprise", "lang": "la langue"}
DATA_OPS = {
    "show": "Montre à la personne ce qui est gardé sur elle",
    "export": "Envoie à la personne toutes ses données",
    "delete": "Efface toutes les données de la personne",
}


@dataclass(frozen=True)
class Target:
    """Where an answer or a step leads: a node of this flow, another flow, or the end."""

    label: str
    node: str | None = None
    flow: str | None = None


@dataclass(frozen=True)
class Said:
    """A text the bot shows: its content key and its value in the chosen language, or a
    text the steps before it put together (`composed`, e.g. a module's next message)."""

    key: str
    text: str | None  # None: the text does not exist (in this language or French)
    composed: str | None = None


@dataclass(frozen=True)
class Step:
    what: str
    said: Said | None = None


@dataclass(frozen=True)
class ChoiceLine:
    id: str
    label: Said | str  # a literal label is shown as written
    also: str  # intents and words that choose it too
    to: Target | None


@dataclass(frozen=True)
class Question:
    kind: str
    prompt: Said
    save_as: str | None
    limits: str


@dataclass(frozen=True)
class NodeOutline:
    id: str
    start: bool
    steps: tuple[Step, ...]
    question: Question | None
    choices: tuple[ChoiceLine, ...]
    routes: tuple[tuple[str, Target], ...]  # (condition, where)
    then: Target | None
    text_keys: tuple[str, ...]


def target(dest: str) -> Target:
    if dest == END:
        return Target("fin de la conversation")
    if dest.startswith(FLOW_PREFIX):
        flow = dest.removeprefix(FLOW_PREFIX)
        return Target(f"parcours « {flow} »", flow=flow)
    return Target(f"nœud « {dest} »", node=dest)


def outline(flow: Flow, texts: Texts, lang: str) -> list[NodeOutline]:
    """The start node first, then the others in the order of the file."""
    order = [flow.start] + [n for n in flow.nodes if n != flow.start]
    return [
        _node(node_id, flow.nodes[node_id], node_id == flow.start, texts, lang) for node_id in order
    ]


def _said(texts: Texts, key: str, lang: str) -> Said:
    if key.startswith(VAR_PREFIX):
        return Said(key, None, f"texte composé par les étapes ci-dessus (variable {key[5:]})")
    return Said(key, texts.get(lang, {}).get(key))


def _node(node_id: str, node: Node, start: bool, texts: Texts, lang: str) -> NodeOutline:
    steps = tuple(_step(act, texts, lang) for act in node.actions)
    question = None
    choices: tuple[ChoiceLine, ...] = ()
    if node.ask is not None:
        ask = node.ask
        limits = ""
        if ask.kind == "number" and (ask.minimum is not None or ask.maximum is not None):
            limits = f"entre {_num(ask.minimum, '…')} et {_num(ask.maximum, '…')}"
        question = Question(
            QUESTION_KINDS[ask.kind], _said(texts, ask.prompt, lang), ask.save_as, limits
        )
        choices = tuple(
            ChoiceLine(
                c.id,
                c.label if c.literal else _said(texts, c.label, lang),
                ", ".join([*c.intents, *c.words]),
                target(c.goto) if c.goto else None,
            )
            for c in ask.choices
        )
    routes: tuple[tuple[str, Target], ...] = ()
    then = None
    if node.router is not None:
        subject = _subject(node.router.switch)
        routes = tuple(
            (f"si {subject} {_case(case)}", target(case.goto)) for case in node.router.cases
        )
        routes += (("sinon", target(node.router.default)),)
    elif node.goto is not None or node.ask is None:
        then = target(node.goto or END)
    return NodeOutline(
        node_id, start, steps, question, choices, routes, then, tuple(node.text_keys())
    )


def _num(value: float | None, none: str) -> str:
    return none if value is None else f"{value:g}"


def _subject(switch: str) -> str:
    if switch.startswith("field."):
        return f"le champ {switch[6:]}"
    if switch.startswith("var."):
        return f"la variable {switch[4:]}"
    if switch == "consent":
        return "l'accord"
    return SWITCHES.get(switch, switch)


def _case(case: Case) -> str:
    if case.equals is not None:
        return f"= {case.equals}"
    if case.is_in is not None:
        return "est parmi " + ", ".join(case.is_in)
    parts = []
    if case.above is not None:
        parts.append(f"> {case.above:g}")
    if case.below is not None:
        parts.append(f"< {case.below:g}")
    return " et ".join(parts)


def _value(value: str) -> str:
    return {
        "@answer": "la réponse",
        "@guess": "la langue du message (si elle est claire)",
    }.get(value, value)


def _yes_no(value: bool) -> str:
    return "oui" if value else "non"


STEP_STATUSES = {"done": "faite", "not_yet": "pas encore", "help": "besoin d'aide"}
SALES_VIEWS = {"totals": "aujourd'hui, la semaine, le mois", "products": "la liste des produits"}

# What the other actions do, as a facilitator reads it: a sentence, or one made from the
# action's values (the computed texts they say are in the "Textes" pages, under the action's
# part: modules.*, eligibility.*, steps.*, sales.*).
ACTIONS: Mapping[str, str | Callable[[Any], str]] = {
    "set_broadcasts": "Arrête ou relance les annonces pour la personne",
    "read_coop": "Lit la coopérative de la personne (et ses rappels de ventes)",
    "read_sale": lambda a: f"Lit la vente en cours ({a.part}) et choisit la question suivante",
    "record_sale": "Écrit la vente confirmée dans le registre (après un oui explicite)",
    "say_sales": lambda a: f"Dit les ventes de la personne ({SALES_VIEWS[a.what]})",
    "check_invite": "Vérifie le code d'invitation d'une coopérative",
    "join_coop": "Fait entrer la personne dans la coopérative du code",
    "set_sale_reminders": lambda a: f"Rappels de ventes du soir : {_yes_no(a.on)}",
    "list_workshops": "Montre les prochains ateliers, numérotés",
    "pick_workshop": "Prend l'atelier choisi dans la liste",
    "answer_workshop": lambda a: f"Note la réponse à l'atelier : {_yes_no(a.coming)}",
    "request_status": "Dit quand quelqu'un répondra à la demande",
    "list_modules": "Montre les modules à apprendre (✅ faits, ⬜ pas encore)",
    "open_module": "Ouvre le module choisi, là où la personne s'était arrêtée",
    "module_step": "Prépare le message suivant du module (ou la question du quiz)",
    "answer_quiz": "Répond à la réponse du quiz et propose le module suivant",
    "eligibility_ask": "Garde la réponse et prépare la question suivante de « Puis-je entrer ? »",
    "eligibility_decide": "Donne le résultat de « Puis-je entrer ? » d'après les règles",
    "list_steps": "Montre les démarches de la personne (✅ faites, ⬜ pas encore)",
    "show_step": "Montre une démarche : quoi, quels papiers, où",
    "mark_step": lambda a: f"Note la démarche : {STEP_STATUSES[a.status]}",
    "set_nudges": lambda a: f"Rappel de la semaine sur la prochaine démarche : {_yes_no(a.on)}",
}


def _step(act: object, texts: Texts, lang: str) -> Step:
    if isinstance(act, SendMsg):
        media = [m for m, key in (("image", act.image), ("audio", act.audio)) if key]
        extra = f" (avec {' et '.join(media)})" if media else ""
        return Step(f"Envoie{extra} :", _said(texts, act.text, lang))
    if isinstance(act, SetLanguage):
        return Step(f"Change la langue : {_value(act.value)}")
    if isinstance(act, SetField):
        return Step(f"Garde « {act.field} » = {_value(act.value)} (si la personne est d'accord)")
    if isinstance(act, SetConsent):
        return Step(f"Note l'accord : {_yes_no(act.value)}")
    if isinstance(act, RequestHandover):
        return Step(f"Demande qu'une personne réponde (motif : {act.reason})")
    if isinstance(act, DataRequest):
        return Step(DATA_OPS[act.op])
    kind = getattr(act, "type", None)
    if isinstance(kind, str) and kind in ACTIONS:
        sentence = ACTIONS[kind]
        return Step(sentence if isinstance(sentence, str) else sentence(act))
    return Step(str(act))
