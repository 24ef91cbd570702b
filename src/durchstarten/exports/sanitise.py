"""Spreadsheet cells that a spreadsheet opens without running anything in them.

A cell whose text starts with ``= + - @ |`` is read as a formula (or a DDE command) by
Excel and LibreOffice, also when invisible characters come first: spreadsheets skip
whitespace, control characters and zero-width format characters before deciding. Such a
cell gets a leading apostrophe, which makes it plain text. ``restore`` undoes it on import,
so that import → export → import keeps every value.
"""

import unicodedata

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# A spreadsheet reads a cell starting with one of these as a formula (or a DDE command).
FORMULA_STARTS = frozenset("=+-@|")
# Starting a cell with these makes some spreadsheets skip to the next character.
LEADING_BREAKS = frozenset("\t\r")
# Whitespace, control and invisible format characters (U+200B, U+FEFF, U+00A0, …).
IGNORABLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
PREFIX = "'"


def _ignorable(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) in IGNORABLE_CATEGORIES


def is_dangerous(text: str) -> bool:
    """Whether a spreadsheet could run the text as a formula."""
    if not text:
        return False
    if text[0] in LEADING_BREAKS:
        return True
    significant = next((char for char in text if not _ignorable(char)), "")
    return significant in FORMULA_STARTS


def neutralise(value: object) -> str:
    """The cell as text; one that a spreadsheet could run as a formula gets a leading ``'``."""
    text = "" if value is None else str(value)
    return PREFIX + text if is_dangerous(text) else text


def restore(text: str) -> str:
    """The value ``neutralise`` was given, for text read back from an exported file.

    Only the apostrophe ``neutralise`` adds is removed: text starting with one that the
    remainder would not have needed stays as it is.
    """
    if text.startswith(PREFIX) and is_dangerous(text[1:]):
        return text[1:]
    return text


def xlsx_text(value: object) -> str:
    """A neutralised cell for XLSX, without the control characters XML cannot hold."""
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value)))
