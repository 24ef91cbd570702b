import json

import pytest
from django.core.management import CommandError, call_command

from durchstarten.cases.models import Participant
from durchstarten.imports.models import ImportBatch
from tests.imports.conftest import FIXTURES


def command(*args):
    from io import StringIO

    out = StringIO()
    code = 0
    try:
        call_command(*args, stdout=out)
    except SystemExit as exit:
        code = exit.code
    return code, out.getvalue()


def test_it_prints_every_error_as_json_and_exits_non_zero(place):
    code, out = command(
        "import_participants",
        str(FIXTURES / "teilnehmende_unordentlich.xlsx"),
        "--district", "05754000", "--user", "tm.schmidt", "--format", "json",
    )  # fmt: skip
    report = json.loads(out)
    assert code == 1
    assert report["errors"] == [
        {
            "row": 11,
            "column": "Wohnort",
            "message": "Die Kommune „Bielefeld“ gibt es im Kreis nicht.",
        }
    ]
    assert report["duplicates"][0]["row"] == 10
    assert (report["written"], report["rows"], report["invalid"]) == (False, 6, 1)
    assert Participant.objects.count() == 0
    assert ImportBatch.objects.count() == 0


def test_it_imports_a_clean_file_and_a_dry_run_writes_nothing(place):
    path = str(FIXTURES / "teilnehmende_cp1252.csv")
    code, out = command("import_participants", path, "--district", "05754000", "--user",
                        "tm.schmidt", "--dry-run")  # fmt: skip
    assert code == 0
    assert "3 Zeilen, 0 fehlerhaft, 0 übernommen" in out
    assert Participant.objects.count() == 0
    code, out = command("import_participants", path, "--district", "05754000", "--user",
                        "tm.schmidt")  # fmt: skip
    assert code == 0
    assert Participant.objects.count() == 3
    assert ImportBatch.objects.get().imported_rows == 3


def test_it_writes_the_rejected_rows_with_skip_invalid(place, tmp_path):
    rejected = tmp_path / "abgelehnt.xlsx"
    code, out = command(
        "import_offers", str(FIXTURES / "angebote.xlsx"), "--district", "05754000",
        "--user", place.coordinator.username, "--skip-invalid", "--rejected", str(rejected),
    )  # fmt: skip
    assert code == 1
    assert "2 übernommen" in out
    assert rejected.exists()


def test_it_refuses_unknown_districts_and_users_without_the_role(place):
    path = str(FIXTURES / "angebote.xlsx")
    with pytest.raises(CommandError, match="Unbekannter AGS"):
        call_command("import_offers", path, "--district", "99999999", "--user", "tm.schmidt")
    with pytest.raises(CommandError, match="darf in diesem Kreis nicht importieren"):
        call_command("import_offers", path, "--district", "05754000", "--user", "tm.schmidt")


def test_it_is_reachable_under_its_hyphenated_name(monkeypatch):
    from durchstarten import __main__

    seen = {}
    monkeypatch.setattr("sys.argv", ["durchstarten", "import-participants", "--help"])
    monkeypatch.setattr(
        "django.core.management.execute_from_command_line", lambda argv: seen.update(argv=argv)
    )
    __main__.main()
    assert seen["argv"][1] == "import_participants"
