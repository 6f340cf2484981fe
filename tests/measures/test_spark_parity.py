"""Spark gives DuckDB's answers: every measure with its main dimensions, reconcile, the
context measures and the scenario, on a store with a court file and two LIONS releases.

Spark runs in local mode, one session for the whole test run (the engine is
process-wide; the fixture stops it at the end). Counts must be equal exactly,
statistics (medians, means, shares, rates) within 1e-9 relative. DuckDB's own
answers are checked against hand-worked and planted values elsewhere; here two
of them are also checked against what the sample generator planted.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

import crossings
from crossings.ingest import ingest
from crossings.measures import engine as engines
from crossings.measures import measure
from crossings.measures.cache import releases
from crossings.measures.reconcile import reconcile
from crossings.sample.lions.generator import write_lions_sample
from crossings.store import Store

#: The two LIONS releases: (name, seed); the court file is the later one's world.
RELEASES = (("DECFY2025", 9), ("JUNFY2025", 5))
TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A court file and two LIONS releases of different worlds, in one store."""
    folder = tmp_path_factory.mktemp("spark-world")
    store = Store(folder / "store")
    truth = {}
    for name, seed in RELEASES:
        court = folder / "court" if name == "JUNFY2025" else None
        info = write_lions_sample(folder / name, defendants=500, seed=seed, release=name,
                                  court_file=court)
        ingest(folder / name, store, source="lions")
        truth[name] = json.loads(info.truth.read_text())
        if court is not None:
            ingest(info.court_file, store)
    return store, truth


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    """The spark engine, started once (a JVM) and stopped when the module's tests end;
    every release of both engines kept in memory meanwhile."""
    engine = engines.get_engine("spark")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(releases, "capacity", 2 * (1 + len(RELEASES)))
        yield engine
    releases.clear()
    with engines._engines_lock:
        engines._engines.pop("spark", None)
    engine.con._session.stop()
    # Queries write nothing where the process runs (Ibis' create_table would).
    assert not Path("spark-warehouse").exists() and not Path("metastore_db").exists()


@pytest.fixture(scope="module")
def module_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("spark-cache")


@pytest.fixture(autouse=True)
def _one_cache(module_cache, monkeypatch):
    """The derived tables are built once per engine for the module, not for each test."""
    monkeypatch.setenv("CROSSINGS_CACHE", str(module_cache))


def close(a, b) -> bool:
    """Equal answers: counts (and every non-float) exactly, floats within 1e-9 relative."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=TOLERANCE) or (math.isnan(a) and math.isnan(b))
    return type(a) is type(b) and a == b


#: (what, keyword arguments): every measure of both sources with its main dimensions,
#: the options that change the query (filters, any charge, ytd, change, share).
ASKS = (
    ("filings", {"by": ["fiscal_year", "charge"]}),
    ("filings", {"by": ["district", "border"], "where": {"from_year": 2020}}),
    ("filings", {"by": ["statute"], "any_charge": True}),
    ("filings", {"by": ["fiscal_year"], "change": True, "share": False, "ytd": True}),
    ("terminations", {"by": ["fiscal_year", "district"], "transfers": "include"}),
    ("convictions", {"by": ["fiscal_year", "charge"], "where": {"district": "TXS"}}),
    ("pending", {"by": ["fiscal_year", "charge"]}),
    ("sentences", {"by": ["fiscal_year", "charge"]}),
    ("sentences", {"by": ["sentence_bracket"]}),
    ("prison_years", {"by": ["fiscal_year", "charge_group"]}),
    ("dispositions", {"by": ["fiscal_year"], "charge_basis": "filing"}),
    ("speed", {"by": ["fiscal_year", "border"]}),
    ("plea_down", {"by": ["fiscal_year"]}),
    ("counsel", {"by": ["fiscal_year", "charge"], "share": True}),
    ("offense_level", {"by": ["charge"]}),
    ("filings", {"source": "lions", "by": ["fiscal_year", "charge", "court"]}),
    ("filings", {"source": "lions", "by": ["release", "fiscal_year", "charge"]}),
    ("terminations", {"source": "lions", "by": ["release", "district"]}),
    ("convictions", {"source": "lions", "by": ["fiscal_year", "charge"], "any_charge": True,
                     "release": "DECFY2025"}),
    ("sentences", {"source": "lions", "by": ["fiscal_year", "charge"]}),
    ("prison_years", {"source": "lions", "by": ["release", "fiscal_year"]}),
    ("per_apprehension", {"by": ["fiscal_year", "region"]}),
    ("prison_cost", {"by": ["fiscal_year"], "share_served": 0.85}),
)


def _rows(result) -> tuple[list[dict], object]:
    return result.to_pylist(), result.table.schema


@pytest.mark.slow
@pytest.mark.parametrize(("name", "options"), ASKS, ids=lambda v: v if isinstance(v, str)
                         else "-".join(f"{k}={v[k]}" for k in v))
def test_spark_gives_duckdbs_answer(world, spark, name, options):
    store, _ = world
    duck, duck_schema = _rows(measure(name, store=store, **options))
    got, spark_schema = _rows(measure(name, store=store, engine="spark", **options))
    assert duck, "the question has no answer here: the test would be weak"
    assert close(got, duck), (got[:5], duck[:5])
    assert spark_schema == duck_schema


@pytest.mark.slow
def test_spark_reconciles_as_duckdb_does(world, spark):
    store, _ = world
    by = ("fiscal_year", "charge", "district")
    duck = reconcile(by, store=store).to_pylist()
    assert close(reconcile(by, store=store, engine="spark").to_pylist(), duck)
    assert any(r["residual"] or r["transfers"] for r in duck), "nothing to reconcile"


@pytest.mark.slow
def test_without_a_shared_cache_spark_gets_the_derived_tables_from_the_driver(
        world, spark, monkeypatch):
    # A cluster whose workers do not mount the cache folder: the cached tables are
    # read here and sent to Spark, never named to the workers by a local path.
    store, _ = world
    releases.clear()
    monkeypatch.setattr(spark, "_shared_files", lambda: False)
    read = []
    monkeypatch.setattr(spark, "parquet", lambda glob: read.append(str(glob)) or
                        engines.Engine.parquet(spark, glob))
    for source in ("idb", "lions"):
        options = {"by": ["fiscal_year", "charge"], "source": source}
        duck = measure("convictions", store=store, any_charge=True, **options).to_pylist()
        got = measure("convictions", store=store, any_charge=True, engine="spark", **options)
        assert close(got.to_pylist(), duck)
    assert read and all(str(store.root) in glob for glob in read), read
    releases.clear()


@pytest.mark.slow
def test_spark_runs_the_scenario_as_duckdb_does(world, spark):
    store, _ = world
    halt = ["illegal_entry", "illegal_reentry"]
    duck = crossings.scenario(halt, store=store).to_pylist()
    assert duck
    assert close(crossings.scenario(halt, store=store, engine="spark").to_pylist(), duck)


@pytest.mark.slow
def test_spark_counts_what_the_generator_planted_in_each_release(world, spark):
    store, truth = world
    result = measure("filings", by=["release", "fiscal_year", "charge"], source="lions",
                     store=store, engine="spark")
    got = {(r["release"], r["fiscal_year"], r["charge"]): r["defendants"]
           for r in result.to_pylist()}
    planted = {(release, t["fiscal_year"], t["charge"]): t["lions_all"]
               for release, _ in RELEASES
               for t in truth[release]["by_fiscal_year_charge"] if t["lions_all"]}
    assert got == planted
    assert result.meta.engine == "spark"
    assert result.meta.releases == [name for name, _ in RELEASES]


# A local session made by crossings takes its settings from $SPARK_CONF_DIR, and
# its own defaults only for what is not set there.
SESSION_SETTINGS = """
import json
from crossings.measures.engine import get_engine
conf = get_engine("spark").con._session.sparkContext.getConf()
print(json.dumps({k: conf.get(k, None) for k in (
    "spark.master", "spark.app.name", "spark.sql.shuffle.partitions",
    "spark.ui.showConsoleProgress", "spark.ui.enabled")}))
"""


@pytest.mark.slow
def test_a_local_session_reads_spark_defaults_and_fills_in_the_rest(tmp_path):
    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "spark-defaults.conf").write_text(
        "spark.master local[1]\nspark.sql.shuffle.partitions 3\n")
    env = {**os.environ, "SPARK_CONF_DIR": str(conf)}
    env.pop("SPARK_REMOTE", None)
    done = subprocess.run([sys.executable, "-c", SESSION_SETTINGS], capture_output=True,
                          text=True, timeout=180, env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {
        "spark.master": "local[1]", "spark.sql.shuffle.partitions": "3",  # the user's
        "spark.app.name": "crossings", "spark.ui.showConsoleProgress": "false",
        "spark.ui.enabled": "false"}  # crossings' defaults
