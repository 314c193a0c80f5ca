"""Block Kit's blocks and elements as the plain dicts Slack takes, for the shapes the bot uses.

slack_sdk's typed objects check every attribute again on each ``to_dict``: for an answer's reply
that is many times the cost of the reply itself. These builders leave out what is not given, as
``to_dict`` does; Slack's limits are kept by the renderer (``bot.render.slack``) and checked
against Slack's own rules by the tests' fake Web API.
"""

from __future__ import annotations

Block = dict


def _given(**fields) -> dict:
    return {name: value for name, value in fields.items() if value is not None}


def plain_text(text: str) -> dict:
    return {"type": "plain_text", "text": text}


def mrkdwn(text: str) -> dict:
    return {"type": "mrkdwn", "text": text}


def header(text: str) -> Block:
    return {"type": "header", "text": plain_text(text)}


def section(text: str, accessory: dict | None = None) -> Block:
    """A section of mrkdwn ``text``, with an element beside it."""
    return _given(type="section", text=mrkdwn(text), accessory=accessory)


def context(text: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(text)]}


def divider() -> Block:
    return {"type": "divider"}


def actions(elements: list[dict]) -> Block:
    return {"type": "actions", "elements": elements}


def button(text: str, action_id: str, value: str | None = None, style: str | None = None) -> dict:
    return _given(type="button", text=plain_text(text), action_id=action_id, value=value,
                  style=style)


def option(text: str, value: str) -> dict:
    return {"text": plain_text(text), "value": value}


def option_group(label: str, options: list[dict]) -> dict:
    return {"label": plain_text(label), "options": options}


def static_select(options: list[dict] | None = None, option_groups: list[dict] | None = None,
                  initial_option: dict | None = None, placeholder: str = "Kies") -> dict:
    return _given(type="static_select", action_id="value", placeholder=plain_text(placeholder),
                  options=options, option_groups=option_groups, initial_option=initial_option)


def date_picker(initial_date: str | None = None) -> dict:
    return _given(type="datepicker", action_id="value", initial_date=initial_date)


def user_select(initial_user: str | None = None) -> dict:
    return _given(type="users_select", action_id="value", initial_user=initial_user)


def text_input(max_length: int, multiline: bool = True, initial_value: str | None = None) -> dict:
    return _given(type="plain_text_input", action_id="value", multiline=multiline,
                  max_length=max_length, initial_value=initial_value)


def input_block(block_id: str, label: str, element: dict, optional: bool = False,
                hint: str | None = None) -> Block:
    return _given(type="input", block_id=block_id, label=plain_text(label), element=element,
                  optional=optional, hint=plain_text(hint) if hint else None)
