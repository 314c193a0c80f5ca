"""SQLite persistence for Leidraadbot (sqlite-utils). Knows nothing of chat platforms."""

from store.database import StoreError
from store.inbox import InboxFile
from store.store import Store

__all__ = ["InboxFile", "Store", "StoreError"]
