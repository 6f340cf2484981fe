"""The numbers the web shows, computed once per request and store state.

``measure_result(state, name, params)`` is the one function the API and the pages
get a measure's numbers from: it checks ``params`` (named as the API names them,
see :mod:`crossings.web.params`), then answers from a bounded, thread-safe cache
keyed by the normal form of the request and the store's manifest state (a new
ingest changes the state, so nothing stale is served), or computes it with
``crossings.measures.measure()`` (never anything else). ``reconcile_result`` and
``scenario_result`` do the same for ``reconcile()`` and ``scenario()``.

``state`` is the app's ``app.state`` (``store``, ``engine``; the cache is made on
first use), so pages and API share one cache.
"""

from __future__ import annotations

import copy
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from crossings.measures import answers, measure
from crossings.measures.reconcile import reconcile
from crossings.measures.result import Result
from crossings.measures.rules_version import RULES_VERSION
from crossings.measures.scenario import scenario
from crossings.store import Store
from crossings.version import __version__
from crossings.web import params as web_params

#: Cache bounds: entries, and bytes (the tables' Arrow buffers and their meta).
CACHE_ENTRIES = 512
CACHE_BYTES = 128 * 1024 * 1024


class BoundedCache:
    """A least-recently-used cache bounded in entries and bytes, safe across threads.
    Concurrent misses of one key compute it once: the others wait for that answer."""

    def __init__(self, entries: int = CACHE_ENTRIES, max_bytes: int = CACHE_BYTES):
        self.entries, self.max_bytes = entries, max_bytes
        self._items: OrderedDict[str, tuple[object, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._running: dict[str, threading.Event] = {}
        self.hits = self.misses = 0

    def get(self, key: str):
        with self._lock:
            found = self._items.get(key)
            if found is None:
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return found[0]

    def put(self, key: str, value, size: int) -> None:
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._items:
                self._bytes -= self._items.pop(key)[1]
            self._items[key] = (value, size)
            self._bytes += size
            while len(self._items) > self.entries or self._bytes > self.max_bytes:
                self._bytes -= self._items.popitem(last=False)[1][1]

    def get_or_compute(self, key: str, compute: Callable[[], tuple[object, int | None]]):
        """The cached value of ``key``, or ``compute()``'s ``(value, size)`` (size None:
        not cached, e.g. because the store changed while it was computed)."""
        owner = False
        for _ in range(2):
            with self._lock:
                found = self._items.get(key)
                if found is not None:
                    self._items.move_to_end(key)
                    self.hits += 1
                    return found[0]
                running = self._running.get(key)
                if running is None:
                    self._running[key] = threading.Event()
                    owner = True
                    break
            running.wait()  # another thread computes it: take its answer, if it kept one
        with self._lock:
            self.misses += 1
        try:
            value, size = compute()
            if size is not None:
                self.put(key, value, size)
            return value
        finally:
            if owner:
                with self._lock:
                    self._running.pop(key).set()

    def __len__(self) -> int:
        return len(self._items)

    @property
    def size(self) -> int:
        return self._bytes


@dataclass
class Queries:
    """What the app answers from: one store, one engine, the caches."""

    store: Store
    engine: str = "duckdb"
    results: BoundedCache = field(default_factory=BoundedCache)
    #: Rendered API bodies, keyed by their ETag (the request, format and state).
    bodies: BoundedCache = field(default_factory=BoundedCache)

    def state(self) -> str:
        """The store's manifest state with the tool and rules versions: what every
        answer depends on besides the request (shipped tables change with the tool)."""
        return json.dumps([list(self.store.state()), __version__, RULES_VERSION])

    def tag(self, request: web_params.Request, variant: str = "") -> str:
        """The ETag of ``request`` (in ``variant``, e.g. its format) in this state."""
        text = json.dumps([self.state(), request.key(), variant])
        return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


_queries_lock = threading.Lock()


def queries_of(state) -> Queries:
    """The app's :class:`Queries`, made on first use from ``state.store`` and
    ``state.engine``."""
    found = getattr(state, "queries", None)
    if found is None:
        with _queries_lock:
            found = getattr(state, "queries", None)
            if found is None:
                found = Queries(Store(getattr(state, "store", None)),
                                getattr(state, "engine", "duckdb") or "duckdb")
                state.queries = found
    return found


def measure_result(state, name: str, params: dict) -> Result:
    """The measure ``name`` for ``params`` (``by``, ``from_year``, ``district``...: the
    names of ``crossings stats`` options, underscored; comma-separated text or lists;
    empty values count as absent), from the cache or ``measure()``."""
    return result_of(state, web_params.measure_request(name, params))


def reconcile_result(state, params: dict) -> Result:
    return result_of(state, web_params.reconcile_request(params))


def scenario_result(state, params: dict) -> Result:
    return result_of(state, web_params.scenario_request(params))


def result_of(state, request: web_params.Request) -> Result:
    """The answer to a checked ``request``: computed (or cached) in full, then sorted
    and cut to ``top`` as ``measure()`` would. The caller's copy is its own."""
    q = queries_of(state)
    computed = q.results.get_or_compute(q.state() + request.computation(),
                                        lambda: _compute(q, request))
    table = answers.sort_and_top(computed.table, request.sort, request.top)
    return Result(table, copy.deepcopy(computed.meta), keys=list(computed.keys))


def _compute(q: Queries, request: web_params.Request) -> tuple[Result, int | None]:
    before = q.store.state()
    args = dict(request.arguments)
    options = {"store": q.store, "engine": q.engine}
    if request.kind == "measure":
        result = measure(request.name, args.pop("by"), args.pop("where"), **args, **options)
    elif request.kind == "reconcile":
        result = reconcile(args.pop("by"), args.pop("where"), **args, **options)
    else:
        result = scenario(args.pop("halt"), **args, **options)
    if q.store.state() != before:  # an ingest landed meanwhile: answer, but keep nothing
        return result, None
    return result, result.table.nbytes + len(json.dumps(result.meta.to_dict(), default=str))
