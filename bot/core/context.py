"""What every handler of a message shares: the message in hand, and how it can be refused."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.core.messages import Inbound, User
from bot.core.replies import Notice, Reply, Tone

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Problem(Exception):
    """Why a message cannot be handled, as replies for the user; nothing is changed."""

    def __init__(self, text: str, tone: Tone = Tone.ERROR):
        super().__init__(text)
        self.replies = [Notice(text, tone)]


@dataclass
class Context:
    """One message being handled: what came in, when, and what was said so far."""

    inbound: Inbound
    now: datetime
    said: list[Reply]

    @property
    def at(self) -> str:
        return self.now.isoformat()

    @property
    def user(self) -> User:
        return self.inbound.user
