"""Leidraadbot: the chat layer (entry point, service, renderers, adapters)."""
