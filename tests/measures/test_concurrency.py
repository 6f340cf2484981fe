"""Many threads calling ``measure()`` at once: side by side, and the serial answers."""

from __future__ import annotations

import threading

from helpers.measure_asks import ASKS, ask, same

from crossings.measures.engine import Engine, get_engine

THREADS = 8


def test_eight_threads_run_side_by_side_and_get_the_serial_results(both_sources,
                                                                     monkeypatch):
    serial = [ask(both_sources, *a) for a in ASKS]  # also builds every cache entry
    assert all(serial), "an empty answer makes the comparison weak"

    # Each thread's first query waits inside the engine until all eight are inside
    # at once: a lock around queries would keep the others out, and the barrier
    # would break (BrokenBarrierError after its timeout) instead of opening.
    barrier = threading.Barrier(THREADS, timeout=60)
    seen = threading.local()
    running = Engine._backend

    def wait_for_the_others(self):
        backend = running(self)
        if not getattr(seen, "waited", False):
            seen.waited = True
            barrier.wait()
        return backend

    monkeypatch.setattr(Engine, "_backend", wait_for_the_others)
    results: dict[int, list] = {}
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            order = list(range(len(ASKS)))
            order = order[n:] + order[:n]  # a different mix in each thread
            got = {}
            for _ in range(2):
                for i in order:
                    got.setdefault(i, []).append(ask(both_sources, *ASKS[i]))
            results[n] = got
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    assert not barrier.broken
    assert len(results) == THREADS
    for got in results.values():
        for i, answers in got.items():
            assert all(same(a, serial[i]) for a in answers), ASKS[i]


def test_the_polars_engine_serialises_its_calls():
    engine = get_engine("polars")
    inside, most = 0, 0
    lock = threading.Lock()
    barrier = threading.Barrier(4)

    def call() -> None:
        nonlocal inside, most
        barrier.wait()
        with engine._running():
            with lock:
                inside += 1
                most = max(most, inside)
            threading.Event().wait(0.02)
            with lock:
                inside -= 1

    threads = [threading.Thread(target=call) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most == 1
