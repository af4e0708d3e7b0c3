"""The static tables of ui/widgets/table.py, read back from an AppTest run as DataFrames."""

from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd
from streamlit.testing.v1 import AppTest

from ui.widgets.table import MARKED_CLASS, TABLE_TESTID


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[list[str], list[list[str]], set[int]]] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table" and found.get("data-testid") == TABLE_TESTID:
            self.tables.append(([], [], set()))
        elif tag == "tr" and self.tables:
            self._row = []
            if found.get("class") == MARKED_CLASS:
                self.tables[-1][2].add(len(self.tables[-1][1]))
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            head, body, _ = self.tables[-1]
            if head:
                body.append(self._row)
            else:
                head.extend(self._row)
            self._row = None


def static_tables(app: AppTest) -> list[pd.DataFrame]:
    """Every static table on the page, in order; `frame.attrs["marked"]`: the highlighted rows."""
    frames = []
    for element in app.html:
        parser = _Tables()
        parser.feed(element.value)
        for head, body, marked in parser.tables:
            frame = pd.DataFrame(body, columns=head)
            frame.attrs["marked"] = marked
            frames.append(frame)
    return frames
