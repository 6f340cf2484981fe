"""The demo: both sources loaded, and the next commands it prints work as printed."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys

import pytest
from helpers.tools import run_cli


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    # -o: the fact sheets go to the test's folder (by default, ./crossings-demo/).
    done = run_cli("demo", "--defendants", "1500", "--store", str(folder / "demo store"),
                   "-o", str(folder / "sheets"))
    assert done.returncode == 0, done.stderr
    return folder, done


def test_demo_loads_both_sources_and_says_it_is_synthetic(demo):
    folder, done = demo
    assert "Immigration filings" in done.stdout and "rows stored" in done.stdout
    assert "SYNTHETIC" in done.stderr
    manifest = json.loads((folder / "demo store" / "manifest.json").read_text())
    assert {e["source"] for e in manifest["entries"]} == {"idb", "lions"}
    assert all(e["synthetic"] for e in manifest["entries"])
    assert len(list((folder / "sheets").glob("*.pdf"))) == 2  # the fact sheet, en and es


def test_every_next_command_works_exactly_as_printed(demo, tmp_path):
    _, done = demo
    lines = done.stderr.splitlines()
    start = lines.index("Next, try (each works as printed):") + 1
    commands = [line.strip() for line in lines[start:] if line.startswith("  crossings ")]
    assert len(commands) >= 5
    for command in commands:
        argv = shlex.split(command)
        assert argv[0] == "crossings"
        ran = subprocess.run([sys.executable, "-m", "crossings", *argv[1:]], cwd=tmp_path,
                             capture_output=True, text=True, timeout=300)
        assert ran.returncode == 0, (command, ran.stderr)
        assert ran.stdout.strip() or "wrote" in ran.stderr, command
    assert (tmp_path / "top-districts.csv.meta.json").exists()


def test_an_empty_store_points_to_the_demo_store(tmp_path):
    home = tmp_path / "home"
    done = run_cli("demo", "--defendants", "300", "-o", str(tmp_path / "sheets"),
                   env={"CROSSINGS_HOME": str(home)})
    assert done.returncode == 0, done.stderr
    asked = run_cli("stats", "filings", "--store", str(tmp_path / "empty"),
                    env={"CROSSINGS_HOME": str(home)})
    assert asked.returncode == 1
    assert f"--store {home / 'demo'}" in asked.stderr
    assert f"CROSSINGS_HOME={home / 'demo'}" in asked.stderr
    # The default store, which holds the demo's, still becomes a store on first ingest.
    sample = tmp_path / "cr96on.txt"
    assert run_cli("sample", str(sample), "--rows", "200", "-q").returncode == 0
    loaded = run_cli("ingest", str(sample), "-q", env={"CROSSINGS_HOME": str(home)})
    assert loaded.returncode == 0, loaded.stderr
