"""Rendered fragments of catalog pages, kept in memory until the catalog changes.

Pages are rendered from the database on each request, but the course list and the filters only
change when a sync changes the content. The content version (one cheap query over courses and
modules, read at most once a second per process: `recent_content_version`) keys the cache, so
every worker sees a sync within a second; no invalidation step.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app
from sqlalchemy import func, select

from courses.catalog.models import Course, Module
from courses.extensions import db

T = TypeVar("T")


class FragmentCache:
    """A small thread-safe LRU map."""

    def __init__(self, size: int = 256):
        self.size = size
        self._items: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: Hashable, make: Callable[[], T]) -> T:
        found = self.get(key)
        if found is None:  # kept values are never None (rendered text, tuples)
            found = make()  # rendered outside the lock: two workers' threads may both render once
            self.put(key, found)
        return found  # type: ignore[return-value]

    def get(self, key: Hashable):
        """The value kept for `key`, or None."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        return None

    def put(self, key: Hashable, value: object) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


catalog_fragments = FragmentCache()


def _content_version_statement():
    modules = [
        select(aggregate).scalar_subquery()
        for aggregate in (func.count(Module.id), func.max(Module.updated_at), func.max(Module.archived_at))
    ]  # uncorrelated scalar subqueries: one statement, valid beside the course aggregates everywhere
    return select(func.count(Course.id), func.max(Course.updated_at), func.max(Course.archived_at), *modules)


CONTENT_VERSION = _content_version_statement()


def content_version() -> tuple:
    """Changes whenever a sync changes a course or a module (one indexed query over both tables): what
    the public pages show comes from nothing else. Run on the session's connection, without the ORM's
    machinery: it is the whole cost of a page served from the page cache."""
    return tuple(db.session.connection().execute(CONTENT_VERSION).one())


VERSION_KEY = "tadbir.content_version"


def recent_content_version() -> tuple:
    """`content_version()`, read at most once per `PAGE_CACHE_VERSION_SECONDS` per process (a second
    by default; 0 reads it every time): a sync shows on cached pages and fragments within that time,
    and a page that uses them reads it once a second, not on every request."""
    ttl = current_app.config["PAGE_CACHE_VERSION_SECONDS"]
    now = time.monotonic()
    known = current_app.extensions.get(VERSION_KEY)
    if ttl <= 0 or known is None or known[0] <= now:
        known = (now + ttl, content_version())
        current_app.extensions[VERSION_KEY] = known  # two threads may both read it: the same answer
    return known[1]
