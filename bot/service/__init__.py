"""The transport-agnostic service: one inbound message in, the replies to send out."""

from bot.service.service import Clock, Problem, Service, utc_now

__all__ = ["Clock", "Problem", "Service", "utc_now"]
