"""What the rooms above services (ui, pages, app) use of storage: one session per page read or user action.

Pages read with `read_session()` and hand the session to service reads; only `ui.act` (and the
wizard's upload) opens a `write_session()`, so that every button runs one service function in
one transaction. `database_url()` names the database, e.g. in the key of a cache.
"""

from __future__ import annotations

from db.engine import database_url, read_session, write_session

__all__ = ["database_url", "read_session", "write_session"]
