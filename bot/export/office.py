"""What Word and Excel files have in common."""

from __future__ import annotations

import re

# Characters XML 1.0 does not allow; Word and Excel files would be broken by them.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: object) -> str:
    """Text safe to put in an Office document."""
    return _NOT_XML.sub("", str(text or ""))
