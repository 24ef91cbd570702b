import io

from openpyxl import load_workbook

from durchstarten.cases.models import Participant
from durchstarten.imports.columns import OFFER_COLUMNS, PARTICIPANT_COLUMNS, export_value
from durchstarten.imports.workbook import template_xlsx
from durchstarten.offers.models import Offer
from tests.imports.conftest import check
from tests.imports.test_services import run


def test_it_offers_a_template_with_hints_and_drop_down_lists():
    book = load_workbook(io.BytesIO(template_xlsx("participants")))
    assert book.sheetnames == ["Teilnehmende", "Listen", "Hinweise"]
    sheet = book["Teilnehmende"]
    assert [c.value for c in sheet[1]] == [c.header for c in PARTICIPANT_COLUMNS]
    lists = {v.errorTitle: v for v in sheet.data_validations.dataValidation}
    assert lists["Geschlecht"].formula1.startswith("=Listen!$")
    assert lists["Dolmetschung nötig"].formula1 == '"ja,nein"'
    hints = [row for row in book["Hinweise"].values if row and row[0] == "Geschlecht"][0]
    assert "weiblich" in hints[3]


def test_it_reads_a_filled_in_template_back(place):
    book = load_workbook(io.BytesIO(template_xlsx("participants")))
    sheet = book["Teilnehmende"]
    headers = [c.value for c in sheet[1]]
    row = dict.fromkeys(headers)
    row.update({"Vorname(n)": "Selam", "Familienname": "Haile", "Geschlecht": "weiblich",
                "Wohnort (Kommune)": "Gütersloh", "Dolmetschung nötig": "ja"})  # fmt: skip
    sheet.append([row[h] for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    batch = check(place, "vorlage.xlsx", content=buffer.getvalue())
    assert batch.unknown_headers == []
    assert run(batch, place.coordinator).imported_rows == 1
    selam = Participant.objects.get()
    assert (selam.gender, selam.interpreter_needed) == ("female", True)


def _export(columns, objects) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append([c.header for c in columns])
    for obj in objects:
        sheet.append([export_value(c, obj) for c in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _state(model, columns):
    return sorted(tuple(str(export_value(c, obj)) for c in columns) for obj in model.objects.all())


def test_it_round_trips_participants_through_an_export(place):
    run(check(place, "teilnehmende_unordentlich.xlsx"), place.coordinator, skip_invalid=True)
    run(check(place, "teilnehmende_cp1252.csv"), place.coordinator)
    first = _state(Participant, PARTICIPANT_COLUMNS)
    exported = _export(PARTICIPANT_COLUMNS, Participant.objects.all())
    Participant.objects.all().delete()
    batch = check(place, "export.xlsx", content=exported)
    assert batch.duplicate_rows == 0
    assert run(batch, place.coordinator).imported_rows == len(first)
    assert _state(Participant, PARTICIPANT_COLUMNS) == first


def test_it_round_trips_offers_through_an_export(place):
    run(check(place, "angebote.xlsx", kind="offers"), place.coordinator, skip_invalid=True)
    first = _state(Offer, OFFER_COLUMNS)
    exported = _export(OFFER_COLUMNS, Offer.objects.all())
    Offer.objects.all().delete()
    assert run(check(place, "x.xlsx", kind="offers", content=exported), place.coordinator)
    assert _state(Offer, OFFER_COLUMNS) == first
