"""Helpers for leak tests of exported files (also for tests/security/test_no_leaks.py).

An XLSX file is a zip archive: a marker inside it never shows in the raw bytes. `readable`
turns any export response into searchable text, `export_urls` lists every export a role can
fetch (the security world gives its users the export permission).
"""

import io

from django.urls import reverse
from openpyxl import load_workbook

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORTS_BY_ROLE = {
    "coordinator": ("participants", "offers", "referrals", "tasks"),
    "case_manager": ("participants", "offers", "tasks"),
    "coach": ("participants", "offers", "tasks"),
    "provider_staff": ("offers", "referrals"),
    "state_analyst": (),
    "admin": (),
}


def export_urls(role: str) -> list[str]:
    return [
        reverse(f"exports:{kind}_{fmt}")
        for kind in EXPORTS_BY_ROLE[role]
        for fmt in ("xlsx", "csv")
    ]


def readable(response) -> str:
    """The text of a response: an XLSX file's cells (tab-separated lines), else the body."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Type", "").startswith(XLSX_TYPE):
        workbook = load_workbook(io.BytesIO(body), read_only=True)
        lines = []
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                lines.append("\t".join("" if value is None else str(value) for value in row))
        workbook.close()
        return "\n".join(lines)
    return body.decode("utf-8", "replace")
