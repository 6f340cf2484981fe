"""Reading a fact sheet's HTML as a reader's tool would: its figures (``<data>``
elements), its numbered commands, its visible text."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class PrintedFigure:
    key: str
    value: str  # as in the value attribute ("" when the figure is n/a)
    row: dict
    column: str
    command: int
    absent: bool
    text: str = ""


@dataclass
class ParsedSheet:
    figures: list[PrintedFigure] = field(default_factory=list)
    commands: dict[int, str] = field(default_factory=dict)  # the appendix: n -> command
    text: list[str] = field(default_factory=list)  # visible text runs, in order
    code: list[str] = field(default_factory=list)  # text in <code>: commands, checksums
    attributes: list[tuple[str, str, str]] = field(default_factory=list)  # tag, name, value
    style: str = ""


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sheet = ParsedSheet()
        self._figure: PrintedFigure | None = None
        self._command: int | None = None
        self._in_style = False
        self._in_code = 0

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        self.sheet.attributes += [(tag, k, v or "") for k, v in attrs]
        if tag == "data":
            self._figure = PrintedFigure(values["data-key"], values["value"],
                                         json.loads(values["data-row"]),
                                         values["data-column"], int(values["data-cmd"]),
                                         values.get("data-absent") == "true")
        elif tag == "li" and (values.get("id") or "").startswith("cmd-"):
            self._command = int(values["id"][4:])
        elif tag == "style":
            self._in_style = True
        elif tag == "code":
            self._in_code += 1

    def handle_endtag(self, tag):
        if tag == "data" and self._figure is not None:
            self.sheet.figures.append(self._figure)
            self._figure = None
        elif tag == "li":
            self._command = None
        elif tag == "style":
            self._in_style = False
        elif tag == "code":
            self._in_code -= 1

    def handle_data(self, data):
        if self._in_style:
            self.sheet.style += data
            return
        if self._figure is not None:
            self._figure.text += data
        if self._command is not None and data.strip():
            self.sheet.commands[self._command] = data.strip()
        if self._in_code and data.strip():
            self.sheet.code.append(data.strip())
        elif data.strip():
            self.sheet.text.append(data.strip())


def parse(html: str) -> ParsedSheet:
    parser = _Parser()
    parser.feed(html)
    return parser.sheet


def sentences(text_runs: list[str], least_words: int = 4) -> set[str]:
    """The sentences (or sentence-like runs) of the visible text with some words in them."""
    out = set()
    for run in text_runs:
        run = re.sub(r"https?://\S+", " ", run)  # addresses are not sentences
        for part in re.split(r"(?<=[.;:])\s+", run):
            words = re.findall(r"[A-Za-zÀ-ÿ]{2,}", part)
            if len(words) >= least_words:
                out.add(part.strip())
    return out
