"""XLSX and PDF renderings of the KPI report and the quarterly monitoring.

Each takes the report's JSON dict exactly as `kpi_report` / `quarterly_report` return it and
gives the file's bytes; both files show the same numbers as the JSON.
"""

from durchstarten.reporting.exports.pdf import kpi_pdf, quarterly_pdf
from durchstarten.reporting.exports.xlsx import kpi_xlsx, quarterly_xlsx

__all__ = ["kpi_pdf", "kpi_xlsx", "quarterly_pdf", "quarterly_xlsx"]
