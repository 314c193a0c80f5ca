"""The transport-agnostic service: one inbound message in, the replies to send out."""

from bot.core.context import Clock, Problem, utc_now
from bot.service.service import Service

__all__ = ["Clock", "Problem", "Service", "utc_now"]
