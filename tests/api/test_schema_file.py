"""The committed contract (docs/api/openapi.yaml) is exactly what the running API serves."""

from pathlib import Path

from django.core.management import call_command

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.yaml"


def test_it_matches_the_committed_schema_file(tmp_path):
    live = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(live), "--validate", "--fail-on-warn")
    assert live.read_text() == SCHEMA_FILE.read_text(), (
        "The API changed: run `make api-schema` and commit docs/api/openapi.yaml."
    )
