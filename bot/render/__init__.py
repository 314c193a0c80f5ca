"""Renderers: one per surface, each built from the same reply objects (``bot.core.replies``)."""
