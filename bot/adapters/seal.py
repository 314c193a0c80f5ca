"""What the bot hands a platform to give back (Slack: a modal's ``private_metadata``, the Home
tab's button; Teams: a file offer's context) is sealed with a key of the bot's own, derived from
its secret, for one purpose and one person. A value that comes back changed, made up, made for
another purpose or brought by someone else is recognised and refused, never trusted."""

from __future__ import annotations

import hashlib
import hmac
import json


class Seal:
    def __init__(self, secret: str):
        self._key = hashlib.sha256(f"leidraadbot-zegel:{secret}".encode()).digest()

    def _mac(self, purpose: str, body: str) -> str:
        return hmac.new(self._key, f"{purpose}:{body}".encode(), hashlib.sha256).hexdigest()

    def close(self, purpose: str, user_id: str, data: dict) -> str:
        """``data`` as text, sealed for ``purpose`` and the person ``user_id``."""
        body = json.dumps({**data, "user": user_id}, separators=(",", ":"), sort_keys=True)
        return f"{body}.{self._mac(purpose, body)}"

    def open(self, purpose: str, user_id: str, text: object) -> dict | None:
        """The data sealed in ``text`` for ``purpose``, when ``user_id`` brings it back; None when
        the seal does not fit, or it was someone else's."""
        body, _, mac = text.rpartition(".") if isinstance(text, str) else ("", "", "")
        if not body or not hmac.compare_digest(mac, self._mac(purpose, body)):
            return None
        data = json.loads(body)
        return data if data.get("user") == user_id else None
