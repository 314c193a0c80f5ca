"""Documents for people to send on: Markdown, Word and Excel, made from an ``ExportFile``."""

from __future__ import annotations

from bot.core.replies import ExportFile
from dialogues.content import Ontwikkelplan


def document(file: ExportFile, plan: Ontwikkelplan) -> bytes:
    """The document's bytes. Word and Excel (and matplotlib) load only when one is asked for."""
    if file.format == "md":
        from bot.export import markdown

        return markdown.summary(file.data.summary).encode()
    if file.format == "docx":
        from bot.export import word

        return word.document(file.data, plan)
    from bot.export import excel

    return excel.workbook(file.data, plan)
