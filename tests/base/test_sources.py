"""The source registry: one descriptor per source, entry points loaded on first use."""

from __future__ import annotations

import subprocess
import sys

import pytest

from crossings import sources
from crossings.errors import InvalidRequest
from crossings.measures.query import DIMENSIONS


@pytest.mark.parametrize("name", sources.NAMES)
@pytest.mark.parametrize("layer", ["ingest", "measure", "sample", "fetch"])
def test_every_source_names_a_callable_for_every_layer(name, layer):
    assert callable(sources.get(name).entry_point(layer))


def test_an_unknown_source_lists_the_known_ones():
    with pytest.raises(InvalidRequest, match="expected one of: idb, lions"):
        sources.get("pacer")


def test_the_measures_use_the_registry_dimensions():
    assert {s.name: s.dimensions for s in sources.SOURCES.values()} == DIMENSIONS


def test_the_registry_imports_no_layer():
    code = ("import sys, crossings.sources; "
            "print(sorted(m for m in sys.modules if m.startswith('crossings.') and "
            "m.split('.')[1] in ('ingest', 'measures', 'sample', 'fetch', 'cli')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
