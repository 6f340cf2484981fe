"""The README's walk-through runs exactly as written, in a fresh folder."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

from helpers.tools import REPO


def walkthrough() -> list[str]:
    text = (REPO / "README.md").read_text()
    block = re.search(r"<!-- walkthrough.*?```sh\n(.*?)```", text, re.S).group(1)
    return [line for line in block.splitlines() if line.strip()]


def test_the_walkthrough_runs_as_written(tmp_path):
    lines = walkthrough()
    assert lines[0].startswith("crossings demo") and len(lines) >= 5
    for line in lines:
        argv = shlex.split(line)
        assert argv[0] == "crossings", line
        ran = subprocess.run([sys.executable, "-m", "crossings", *argv[1:]], cwd=tmp_path,
                             capture_output=True, text=True, timeout=600)
        assert ran.returncode == 0, (line, ran.stderr[-2000:])
    meta = (tmp_path / "top-districts.csv.meta.json").read_text()
    assert "SYNTHETIC" in meta and "caveats" in meta
