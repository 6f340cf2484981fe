"""The API's numbers are the CLI's and the Python API's: for representative requests,
``/api/v1/...`` JSON equals ``crossings stats ... -f json`` (a real subprocess) and
``crossings.measure(...)``, data and meta alike."""

from __future__ import annotations

import json
import math

import pytest
from helpers.tools import run_cli

from crossings.measures import measure
from crossings.measures.reconcile import reconcile
from crossings.measures.scenario import scenario

#: (API path, query parameters, the library call as (function, args, kwargs)).
WHERE = {"from_year": 2018, "district": "TXS"}
CASES = {
    "filings by year and charge, one district, change": (
        "measures/filings", {"by": "fiscal_year,charge", **WHERE, "change": True},
        (measure, ("filings", ["fiscal_year", "charge"], WHERE), {"change": True})),
    "convictions by district, share, southwest, sorted, top": (
        "measures/convictions", {"by": "district", "border": "southwest", "share": True,
                                 "sort": "-defendants", "top": 3},
        (measure, ("convictions", ["district"], {"border": "southwest"}),
         {"share": True, "sort": "-defendants", "top": 3})),
    "LIONS sentences of two charges by year": (
        "measures/sentences", {"by": "fiscal_year", "source": "lions",
                               "charge": "illegal_reentry,illegal_entry"},
        (measure, ("sentences", ["fiscal_year"],
                   {"charge": "illegal_reentry,illegal_entry"}), {"source": "lions"})),
    "terminations by filing charge, transfers included, year to date": (
        "measures/terminations", {"by": "fiscal_year,charge", "charge_basis": "filing",
                                  "transfers": "include", "ytd": True},
        (measure, ("terminations", ["fiscal_year", "charge"], {}),
         {"charge_basis": "filing", "transfers": "include", "ytd": True})),
    "context: filings per apprehension": (
        "measures/per_apprehension", {"by": "fiscal_year"},
        (measure, ("per_apprehension", ["fiscal_year"], {}), {})),
    "context: prison cost at half served": (
        "measures/prison_cost", {"share_served": 0.5, "from_year": 2020},
        (measure, ("prison_cost", [], {"from_year": 2020}), {"share_served": 0.5})),
    "reconcile by year and district": (
        "reconcile", {"by": "fiscal_year,district", "from_year": 2023},
        (reconcile, (["fiscal_year", "district"], {"from_year": 2023}), {})),
    "scenario of two charges": (
        "scenario", {"halt": "illegal_entry,illegal_reentry", "from_year": 2022,
                     "to_year": 2024, "share_served": 0.8},
        (scenario, ("illegal_entry,illegal_reentry",),
         {"from_year": 2022, "to_year": 2024, "share_served": 0.8})),
}


def cli_args(path: str, params: dict) -> list[str]:
    """The CLI command asking what ``path`` and ``params`` ask of the API."""
    command = ["stats", path.split("/")[1]] if path.startswith("measures/") else [path]
    for name, value in params.items():
        flag = "--" + name.replace("_", "-")
        if value is True:
            command.append(flag)
        else:
            command += [flag, str(value)]
    return command


def as_json(payload) -> dict:
    """What a JSON reader sees (as the CLI and the API write it)."""
    return json.loads(json.dumps(payload, default=str))


def same(a, b) -> bool:
    """Equal, counts and texts exactly; a float to 12 significant digits (DuckDB sums
    floats in parallel, so a mean's last digit may differ between two processes)."""
    if isinstance(a, float) or isinstance(b, float):
        return (isinstance(a, int | float) and isinstance(b, int | float)
                and math.isclose(a, b, rel_tol=1e-12))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b and type(a) is type(b)


@pytest.fixture(scope="module")
def derived_cache(tmp_path_factory):
    """One cache of derived tables for the CLI runs and the library calls here."""
    return tmp_path_factory.mktemp("parity-cache")


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES)
def test_the_api_answers_as_the_cli_and_the_library(client, web_store, derived_cache,
                                                    monkeypatch, case):
    monkeypatch.setenv("CROSSINGS_CACHE", str(derived_cache))
    path, params, (function, args, kwargs) = CASES[case]
    api = client.get(f"/api/v1/{path}", params=params)
    assert api.status_code == 200, api.text
    done = run_cli(*cli_args(path, params), "-f", "json", "--store", str(web_store), "-q")
    assert done.returncode == 0, done.stderr
    cli = json.loads(done.stdout)
    library = as_json(function(*args, **kwargs, store=web_store).to_dict())
    assert library["data"], "a parity test over no rows proves little"
    assert same(api.json()["data"], cli["data"]) and same(cli["data"], library["data"])
    assert same(api.json()["meta"], cli["meta"]) and same(cli["meta"], library["meta"])
