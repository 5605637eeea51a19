"""Cells that are safe to open in a spreadsheet: the one place every CSV and XLSX export
writes through (participants, agenda, feedback).

A text cell is first *cleaned* (control characters other than tab, newline and carriage
return are dropped: XLSX cannot hold them, and a spreadsheet ignores them when it decides
whether a cell is a formula), then *neutralised*: when what is left starts with = + - or @
(also after leading spaces), or with a tab or carriage return, it gets a leading
apostrophe, so Excel and LibreOffice show it as text instead of running it (CSV/formula
injection). Cleaning comes first on purpose: ``"\\x01=HYPERLINK(…)"`` must not slip
past the check and become ``"=HYPERLINK(…)"`` once cleaned. Numbers are left as numbers.
Pure: no Flask, no database.
"""
from __future__ import annotations

import csv
import io
import re

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@")
LEADING_BLANKS = ("\t", "\r", "\n")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(value: str) -> str:
    """``value`` without the control characters a spreadsheet cannot hold."""
    return CONTROL_CHARACTERS.sub("", value)


def needs_quote(value: str) -> bool:
    """Whether a spreadsheet could read this (cleaned) text as a formula."""
    return value.startswith(LEADING_BLANKS) or value.lstrip().startswith(FORMULA_STARTS)


def cell(value):
    """The value as a spreadsheet cell: text cleaned, then neutralised; anything else as is."""
    if not isinstance(value, str):
        return value
    value = clean(value)
    return "'" + value if needs_quote(value) else value


def uncell(value: str) -> str:
    """Undo the apostrophe of :func:`cell`, so that export -> import gives the text back."""
    return value[1:] if value.startswith("'") and needs_quote(value[1:]) else value


class SafeWriter:
    """``csv.writer`` whose every cell goes through :func:`cell`."""

    def __init__(self, out, **options):
        self._writer = csv.writer(out, **options)

    def writerow(self, row) -> None:
        self._writer.writerow([cell(value) for value in row])

    def writerows(self, rows) -> None:
        for row in rows:
            self.writerow(row)


def csv_text(header: list, rows, bom: bool = True, **options) -> str:
    """CSV text of a header and rows; with a byte-order mark so that Excel shows accents."""
    out = io.StringIO()
    if bom:
        out.write("\ufeff")
    writer = SafeWriter(out, **options)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def xlsx_bytes(header: list, rows, title: str) -> bytes:
    """An XLSX workbook with one sheet: a bold, frozen header row, then the rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(title))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for label in header:
        header_cell = WriteOnlyCell(sheet, value=cell(label))
        header_cell.font = bold
        header_cells.append(header_cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_title(title: str) -> str:
    cleaned = "".join(c for c in clean(title) if c not in "[]:*?/\\")
    return (cleaned or "Sheet")[:31]
