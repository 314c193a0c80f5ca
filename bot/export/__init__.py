"""Documents for people to send on: Markdown, Word and Excel, made from an ``ExportFile``."""

from __future__ import annotations

import re

from bot.core.replies import ExportFile
from dialogues.content import Ontwikkelplan

# Characters XML 1.0 does not allow; Word and Excel files would be broken by them.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: object) -> str:
    """Text safe to put in an Office document."""
    return _NOT_XML.sub("", str(text or ""))


def render(file: ExportFile, plan: Ontwikkelplan) -> bytes:
    """The document's bytes. Word and Excel (and matplotlib) load only when one is asked for."""
    if file.format == "md":
        from bot.export import markdown

        return markdown.summary(file.data.summary).encode()
    if file.format == "docx":
        from bot.export import word

        return word.document(file.data, plan)
    from bot.export import excel

    return excel.workbook(file.data, plan)
