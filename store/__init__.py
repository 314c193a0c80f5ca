"""SQLite persistence for Leidraadbot (sqlite-utils). Knows nothing of chat platforms."""

from store.store import Store, StoreError

__all__ = ["Store", "StoreError"]
