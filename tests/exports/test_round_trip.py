"""An exported participant or offer list reads back through the import to the same values."""

import datetime as dt

import pytest
from django.urls import reverse

from durchstarten.cases.choices import Gender, GermanLevel, ResidenceStatusKind
from durchstarten.imports.cells import Context
from durchstarten.imports.columns import OFFER_COLUMNS, PARTICIPANT_COLUMNS
from durchstarten.imports.readers import map_headers, read_table
from durchstarten.imports.rows import parse_row
from tests.exports.conftest import DOCUMENT_NOTE, person


def _parsed(body: bytes, columns, district) -> list[dict]:
    table = read_table(body, columns)
    mapping, unknown = map_headers(table.headers, columns)
    assert unknown == []
    context = Context.for_district(district)
    return [parse_row(columns, mapping, cells, context) for _number, cells in table.rows]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_it_reads_an_exported_case_list_back(as_user, coordinator, district, municipality, fmt):
    person(
        district,
        municipality,
        given_names="Amal",
        family_name="Haddad",
        gender=Gender.FEMALE,
        german_level=GermanLevel.A2,
        languages=["ar", "en"],
        nationality="SY",
        phone="0170 1234567",
        interpreter_needed=True,
    )
    response = as_user(coordinator).get(reverse(f"exports:participants_{fmt}"))
    (row,) = _parsed(b"".join(response.streaming_content), PARTICIPANT_COLUMNS, district)
    assert row == {
        "given_names": "Amal",
        "family_name": "Haddad",
        "date_of_birth": dt.date(2003, 4, 1),
        "gender": Gender.FEMALE,
        "nationality": "SY",
        "languages": ["ar", "en"],
        "german_level": GermanLevel.A2,
        "literacy": "not_assessed",
        "interpreter_needed": True,
        "municipality": municipality,
        "phone": "0170 1234567",
        "status_kind": ResidenceStatusKind.DULDUNG,
        "status_valid_from": dt.date(2024, 1, 1),
        "status_note": DOCUMENT_NOTE,
        "consent_on": dt.date(2026, 1, 1),
        "consent_language": "de",
    }


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_it_reads_an_exported_offer_directory_back(as_user, coordinator, district, course, fmt):
    response = as_user(coordinator).get(reverse(f"exports:offers_{fmt}"))
    (row,) = _parsed(b"".join(response.streaming_content), OFFER_COLUMNS, district)
    assert row["title"] == course.title
    assert row["module"] == "4"
    assert row["provider"] == course.provider
    assert row["municipalities"] == list(course.municipalities.all())
    assert row["start_date"] == course.start_date and row["capacity"] == course.capacity
    assert row["needs_covered"] == ["german"]
