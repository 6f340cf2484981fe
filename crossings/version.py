"""The tool's version, read once from the installed package's metadata.

Every number crossings gives cites it, so it lives in a base module that any
layer may import (``crossings/__init__.py`` is the public front door and is
imported by nothing inside the package).
"""

from __future__ import annotations

from importlib import metadata

try:
    __version__ = metadata.version("crossings")
except metadata.PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0+source"
