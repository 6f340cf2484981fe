"""Running a generator in a background thread, a few items ahead; timing a stream."""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Iterable, Iterator
from typing import TypeVar

import pyarrow as pa

T = TypeVar("T")
_DONE = object()


class _Failure:
    def __init__(self, exc: BaseException):
        self.exc = exc


def prefetch(items: Iterable[T], depth: int = 2) -> Iterator[T]:
    """Yield ``items`` produced by a background thread, up to ``depth`` ahead.

    The producer's exceptions are raised in the consumer. If the consumer stops
    early (an error downstream), the producer is told to stop and is joined.
    """
    slots: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                slots.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_DONE)
        except BaseException as exc:  # handed to the consumer
            put(_Failure(exc))

    thread = threading.Thread(target=produce, name="crossings-reader", daemon=True)
    thread.start()
    try:
        while True:
            item = slots.get()
            if item is _DONE:
                return
            if isinstance(item, _Failure):
                raise item.exc
            yield item
    finally:
        stop.set()
        thread.join()


def positioned(blocks: Iterable[T], stream) -> Iterator[tuple[T, int]]:
    """Each block with the stream's position just after it was cut (run in the reader
    thread, so the position belongs to the block, not to later reading)."""
    for block in blocks:
        yield block, stream.position


class TimedChunks:
    """A stream's chunks, adding up the CPU time spent producing them (the
    reading, and inflating, stage of an ingest)."""

    def __init__(self, stream):
        self.stream, self.seconds = stream, 0.0

    def __iter__(self):
        chunks = iter(self.stream.chunks())
        while True:
            started = time.thread_time()
            chunk = next(chunks, None)
            self.seconds += time.thread_time() - started
            if chunk is None:
                return
            yield chunk


@contextlib.contextmanager
def jemalloc_pool() -> Iterator[None]:
    """Arrow allocates from jemalloc while the block is in force, where the wheel
    has it (else nothing changes).

    An ingest allocates and frees some GBs in blocks of a few MB; the default
    pool (mimalloc) hands pages back to the system and faults them in again:
    a fifth of an ingest's CPU time went to the kernel (2.4 s of 11 s at
    1,000,000 rows, half that with jemalloc). Buffers keep the pool they came
    from, so switching back is safe."""
    try:
        pool = pa.jemalloc_memory_pool()
    except NotImplementedError:
        yield
        return
    previous = pa.default_memory_pool()
    pa.set_memory_pool(pool)
    try:
        yield
    finally:
        pa.set_memory_pool(previous)
