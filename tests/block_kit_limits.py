"""Slack's Block Kit limits, as the Web API enforces them: what the fake refuses, and why.

The numbers are Slack's documented ones (docs.slack.dev, reference/block-kit; the same as the
constants in slack_sdk.models). ``problems`` answers like Slack does, a message per fault with a
JSON pointer to it (``must be at most 3000 characters [json-pointer:/blocks/0/text/text]``).
"""

from __future__ import annotations

import json
import re

BLOCKS = {"message": 50, "modal": 100, "home": 100}
MESSAGE_BLOCK_TEXT = 12_000  # cumulative; over it chat.postMessage answers msg_blocks_too_long
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class _Check:
    def __init__(self) -> None:
        self.faults: list[str] = []

    def fault(self, pointer: str, message: str) -> None:
        self.faults.append(f"{message} [json-pointer:{pointer}]")

    def length(self, value, pointer: str, most: int, least: int = 0) -> None:
        if not isinstance(value, str):
            self.fault(pointer, "must be a string")
        elif len(value) > most:
            self.fault(pointer, f"must be at most {most} characters")
        elif len(value) < least:
            self.fault(pointer, f"must be at least {least} characters")

    def text(self, obj, pointer: str, most: int, plain: bool = False) -> None:
        if not isinstance(obj, dict) or obj.get("type") not in ("plain_text", "mrkdwn"):
            self.fault(pointer, "must be a text object")
            return
        if plain and obj["type"] != "plain_text":
            self.fault(pointer + "/type", "must be plain_text")
        self.length(obj.get("text"), pointer + "/text", most, least=1)

    def action_id(self, element: dict, pointer: str, seen: set[str]) -> None:
        action = element.get("action_id")
        if action is None:
            return
        self.length(action, pointer + "/action_id", 255, least=1)
        if action in seen:
            self.fault(pointer + "/action_id", "must be unique within the block")
        seen.add(action)

    # --- elements ---------------------------------------------------------------------------------

    def element(self, element: dict, pointer: str, seen: set[str]) -> None:
        kind = element.get("type")
        self.action_id(element, pointer, seen)
        if "placeholder" in element:
            self.text(element["placeholder"], pointer + "/placeholder", 150, plain=True)
        if kind == "button":
            self.text(element.get("text"), pointer + "/text", 75, plain=True)
            if "value" in element:
                self.length(element["value"], pointer + "/value", 2000)
            if "url" in element:
                self.length(element["url"], pointer + "/url", 3000)
            if element.get("style") not in (None, "primary", "danger"):
                self.fault(pointer + "/style", "must be primary or danger")
        elif kind == "plain_text_input":
            most = element.get("max_length", 3000)
            if not isinstance(most, int) or not 1 <= most <= 3000:
                self.fault(pointer + "/max_length", "must be between 1 and 3000")
                most = 3000
            least = element.get("min_length", 0)
            if not isinstance(least, int) or not 0 <= least <= 3000:
                self.fault(pointer + "/min_length", "must be between 0 and 3000")
            if element.get("initial_value") is not None:
                self.length(element["initial_value"], pointer + "/initial_value", most)
        elif kind == "static_select":
            self.select(element, pointer)
        elif kind == "datepicker":
            initial = element.get("initial_date")
            if initial is not None and not (isinstance(initial, str) and _DATE.match(initial)):
                self.fault(pointer + "/initial_date", "must be a date as YYYY-MM-DD")
        elif kind == "users_select":
            if element.get("initial_user") is not None:
                self.length(element["initial_user"], pointer + "/initial_user", 255, least=1)
        else:
            self.fault(pointer + "/type", f"unknown element type {kind!r}")

    def options(self, options, pointer: str) -> list[str]:
        if not isinstance(options, list) or not 1 <= len(options) <= 100:
            self.fault(pointer, "must hold 1 to 100 options")
            return []
        for n, option in enumerate(options):
            self.text(option.get("text"), f"{pointer}/{n}/text", 75, plain=True)
            self.length(option.get("value"), f"{pointer}/{n}/value", 150, least=1)
        return [o.get("value") for o in options]

    def select(self, element: dict, pointer: str) -> None:
        if ("options" in element) == ("option_groups" in element):
            self.fault(pointer, "must have either options or option_groups")
            return
        if "options" in element:
            values = self.options(element["options"], pointer + "/options")
        else:
            groups = element["option_groups"]
            if not 1 <= len(groups) <= 100:
                self.fault(pointer + "/option_groups", "must hold 1 to 100 groups")
            values = []
            for n, group in enumerate(groups):
                self.text(group.get("label"), f"{pointer}/option_groups/{n}/label", 75, plain=True)
                values += self.options(group.get("options"), f"{pointer}/option_groups/{n}/options")
        initial = element.get("initial_option")
        if initial is not None and initial.get("value") not in values:
            self.fault(pointer + "/initial_option", "must be one of the options")

    # --- blocks -----------------------------------------------------------------------------------

    def block(self, block: dict, pointer: str) -> None:
        kind = block.get("type")
        if "block_id" in block:
            self.length(block["block_id"], pointer + "/block_id", 255, least=1)
        seen: set[str] = set()
        if kind == "section":
            if "text" not in block and "fields" not in block:
                self.fault(pointer, "must have text or fields")
            if "text" in block:
                self.text(block["text"], pointer + "/text", 3000)
            fields = block.get("fields", [])
            if len(fields) > 10:
                self.fault(pointer + "/fields", "must hold at most 10 items")
            for n, field in enumerate(fields):
                self.text(field, f"{pointer}/fields/{n}", 2000)
            if "accessory" in block:
                self.element(block["accessory"], pointer + "/accessory", seen)
        elif kind == "header":
            self.text(block.get("text"), pointer + "/text", 150, plain=True)
        elif kind == "context":
            elements = block.get("elements", [])
            if not 1 <= len(elements) <= 10:
                self.fault(pointer + "/elements", "must hold 1 to 10 elements")
            for n, element in enumerate(elements):
                self.text(element, f"{pointer}/elements/{n}", 3000)
        elif kind == "actions":
            elements = block.get("elements", [])
            if not 1 <= len(elements) <= 25:
                self.fault(pointer + "/elements", "must hold 1 to 25 elements")
            for n, element in enumerate(elements):
                self.element(element, f"{pointer}/elements/{n}", seen)
        elif kind == "input":
            self.text(block.get("label"), pointer + "/label", 2000, plain=True)
            if "hint" in block:
                self.text(block["hint"], pointer + "/hint", 2000, plain=True)
            self.element(block.get("element", {}), pointer + "/element", seen)
        elif kind == "markdown":
            self.length(block.get("text"), pointer + "/text", 12_000, least=1)
        elif kind != "divider":
            self.fault(pointer + "/type", f"unknown block type {kind!r}")

    def blocks(self, blocks, surface: str, pointer: str = "/blocks") -> None:
        if not isinstance(blocks, list):
            self.fault(pointer, "must be an array of blocks")
            return
        if len(blocks) > BLOCKS[surface]:
            self.fault(pointer, f"must hold at most {BLOCKS[surface]} blocks")
        ids = [b.get("block_id") for b in blocks if b.get("block_id")]
        if len(ids) != len(set(ids)):
            self.fault(pointer, "block_id must be unique")
        for n, block in enumerate(blocks):
            self.block(block, f"{pointer}/{n}")


def message_problems(blocks) -> list[str]:
    """What Slack refuses in a message's blocks (``invalid_blocks``)."""
    check = _Check()
    check.blocks(blocks, "message")
    return check.faults


def block_text(blocks: list[dict]) -> int:
    """The characters of text in a message's blocks, the measure of ``msg_blocks_too_long``."""
    total = 0

    def walk(value) -> None:
        nonlocal total
        if isinstance(value, dict):
            if value.get("type") in ("plain_text", "mrkdwn") and isinstance(value.get("text"), str):
                total += len(value["text"])
            for child in value.values():
                walk(child)
        elif isinstance(value, list):
            for child in value:
                walk(child)

    walk(blocks)
    return total


def view_problems(view: dict) -> list[str]:
    """What ``views.open`` and ``views.publish`` refuse in a view (``invalid_arguments``)."""
    check = _Check()
    surface = view.get("type")
    if surface not in ("modal", "home"):
        check.fault("/view/type", "must be modal or home")
        return check.faults
    check.blocks(view.get("blocks"), surface, "/view/blocks")
    if "private_metadata" in view:
        check.length(view["private_metadata"], "/view/private_metadata", 3000)
    if "callback_id" in view:
        check.length(view["callback_id"], "/view/callback_id", 255)
    if surface == "modal":
        check.text(view.get("title"), "/view/title", 24, plain=True)
        for button in ("submit", "close"):
            if button in view:
                check.text(view[button], f"/view/{button}", 24, plain=True)
        if "submit" not in view and any(b.get("type") == "input" for b in view.get("blocks", [])):
            check.fault("/view/submit", "is required when the view has input blocks")
    if len(json.dumps(view)) > 250_000:
        check.fault("/view", "view_too_large")
    return check.faults
