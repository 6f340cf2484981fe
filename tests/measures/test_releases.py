"""In-process caches: bounded by release, and a release swapped in is seen at once."""

from __future__ import annotations

import pytest

from crossings.ingest import ingest
from crossings.measures import measure
from crossings.measures.cache import releases
from crossings.measures.engine import get_engine
from crossings.sample.idb.generator import write_idb_sample
from crossings.store import Store


@pytest.fixture
def samples(tmp_path):
    """Two different court files (other seeds, other counts)."""
    return [write_idb_sample(tmp_path / f"cr96on-{seed}.txt", rows=3000, seed=seed).path
            for seed in (11, 12)]


@pytest.fixture
def two_releases(monkeypatch):
    releases.clear()
    monkeypatch.setattr(releases, "capacity", 2)
    yield
    releases.clear()


def filings(store: Store, **options) -> dict:
    rows = measure("filings", by=["fiscal_year"], store=store, **options).to_pylist()
    return {r["fiscal_year"]: r["defendants"] for r in rows}


def test_a_process_keeps_at_most_the_set_number_of_releases(tmp_path, samples,
                                                            two_releases):
    store = Store(tmp_path / "store")
    for name in ("a", "b", "c"):
        ingest(samples[0], store, release=name, force=True)
    engine = get_engine()
    before = engine.registered()
    filings(store, release="a")
    filings(store, release="b")
    one_release = (engine.registered() - before) // 2
    assert one_release > 0
    filings(store, release="c")
    assert len(releases) == 2
    # The least recently used release ("a") left, and its tables with it.
    assert engine.registered() - before == 2 * one_release
    filings(store, release="a")  # comes back when asked again
    assert len(releases) == 2


def test_a_release_replaced_by_an_ingest_is_seen_on_the_next_query(tmp_path, samples,
                                                                   two_releases):
    expected = []
    for n, sample in enumerate(samples):  # each file's numbers, each in its own store
        alone = Store(tmp_path / f"alone{n}")
        ingest(sample, alone)
        expected.append(filings(alone))
    assert expected[0] != expected[1], "the two files must count differently"
    store = Store(tmp_path / "store")
    ingest(samples[0], store, release="r")
    assert filings(store) == expected[0]
    ingest(samples[1], store, release="r", replace=True)  # the same name, another file
    assert filings(store) == expected[1]


def test_a_newer_release_ingested_is_the_next_querys_default(tmp_path, samples,
                                                            two_releases):
    store = Store(tmp_path / "store")
    ingest(samples[0], store, release="2026-01-31")
    first = filings(store)
    ingest(samples[1], store, release="2026-02-28")
    assert filings(store) != first
    assert filings(store, release="2026-01-31") == first
