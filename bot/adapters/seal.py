"""What the bot hands a platform to give back (Slack: a modal's ``private_metadata``, the Home
tab's button; Teams: a file offer's context) is sealed with a key of the bot's own, derived from
its secret, so a value that comes back changed, or made up, is recognised and refused, never
trusted."""

from __future__ import annotations

import hashlib
import hmac
import json


class Seal:
    def __init__(self, secret: str):
        self._key = hashlib.sha256(f"leidraadbot-formulier:{secret}".encode()).digest()

    def _mac(self, body: str) -> str:
        return hmac.new(self._key, body.encode(), hashlib.sha256).hexdigest()

    def close(self, data: dict) -> str:
        """``data`` as text, with its seal."""
        body = json.dumps(data, separators=(",", ":"), sort_keys=True)
        return f"{body}.{self._mac(body)}"

    def open(self, text: str) -> dict | None:
        """The data of a sealed text, or None when the seal does not fit it."""
        body, _, mac = text.rpartition(".")
        if not body or not hmac.compare_digest(mac, self._mac(body)):
            return None
        return json.loads(body)
