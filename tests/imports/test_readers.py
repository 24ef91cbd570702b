import datetime as dt

import pytest

from durchstarten.imports.cells import CellError, Context, parse_cell, parse_date
from durchstarten.imports.columns import PARTICIPANT_COLUMNS
from durchstarten.imports.readers import FileError, decode, read_table, sniff_delimiter
from tests.imports.conftest import FIXTURES

BY_KEY = {column.key: column for column in PARTICIPANT_COLUMNS}


def test_it_finds_the_header_below_a_title_and_joins_a_group_row_above_it():
    table = read_table(
        (FIXTURES / "teilnehmende_unordentlich.xlsx").read_bytes(), PARTICIPANT_COLUMNS
    )
    assert table.header_row == 4
    assert "Einwilligung Fallarbeit erteilt am" in table.headers
    # "Zugang" is merged over both header rows.
    assert table.headers[11] == "Zugang"
    # The empty row 8 is skipped; numbers are those the spreadsheet shows.
    assert [number for number, _cells in table.rows] == [5, 6, 7, 9, 10, 11]


def test_it_reads_windows_1252_with_semicolons():
    data = (FIXTURES / "teilnehmende_cp1252.csv").read_bytes()
    assert b"\xfc" in data  # ü in Windows-1252
    table = read_table(data, PARTICIPANT_COLUMNS)
    assert table.headers[4] == "Staatsangehörigkeit"
    assert table.rows[0][1][5] == "Gütersloh"


def test_it_reads_utf8_with_bom_and_commas():
    table = read_table((FIXTURES / "teilnehmende_utf8_bom.csv").read_bytes(), PARTICIPANT_COLUMNS)
    assert table.headers[0] == "Nachname"
    assert table.rows[0][1][1] == "Ayşe"


def test_it_decodes_and_sniffs():
    assert decode("Größe".encode("cp1252")) == "Größe"
    assert decode("\ufeffGröße".encode()) == "Größe"
    assert sniff_delimiter("a;b;c\n1;2;3\n") == ";"
    assert sniff_delimiter("a,b,c\n1,2,3\n") == ","


def test_it_refuses_a_file_without_known_columns():
    with pytest.raises(FileError):
        read_table(b"foo;bar\n1;2\n", PARTICIPANT_COLUMNS)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("31.12.2001", dt.date(2001, 12, 31)),
        ("1.2.01", dt.date(2001, 2, 1)),
        ("3.4.99", dt.date(1999, 4, 3)),
        ("2001-12-31", dt.date(2001, 12, 31)),
        ("2001-12-31 00:00:00", dt.date(2001, 12, 31)),
        (36965, dt.date(2001, 3, 15)),
        ("36965", dt.date(2001, 3, 15)),
        (dt.datetime(2001, 3, 15, 0, 0), dt.date(2001, 3, 15)),  # noqa: DTZ001 - Excel cells hold naive datetimes
        ("00.00.1999", dt.date(1999, 1, 1)),
        ("1999", dt.date(1999, 1, 1)),
    ],
)
def test_it_reads_german_iso_and_excel_dates(raw, expected):
    assert parse_date(raw, year_only=True) == expected


@pytest.mark.parametrize("raw", ["31.02.2001", "morgen", "12/31/2001", 0])
def test_it_rejects_what_is_no_date(raw):
    with pytest.raises(CellError):
        parse_date(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("m", "male"),
        (" W ", "female"),
        ("d", "diverse"),
        ("x", "diverse"),
        ("männlich", "male"),
        ("weiblich", "female"),
        ("divers", "diverse"),
        ("keine Angabe", "not_stated"),
    ],
)
def test_it_reads_gender_in_every_usual_spelling(place, raw, expected):
    assert parse_cell(BY_KEY["gender"], raw, Context.for_district(place.district)) == expected


def test_it_resolves_references_of_the_district_only(place):
    context = Context.for_district(place.district)
    assert parse_cell(BY_KEY["municipality"], "05754012", context).name == "Harsewinkel"
    assert parse_cell(BY_KEY["case_manager"], "Schmidt, Anna", context) == place.case_manager
    assert parse_cell(BY_KEY["nationality"], "Syrien", context) == "SY"
    assert parse_cell(BY_KEY["languages"], "Arabisch; ti", context) == ["ar", "ti"]
    with pytest.raises(CellError):
        parse_cell(BY_KEY["municipality"], "Bielefeld", context)
