import os
import subprocess
import sys

from cryptography.fernet import Fernet


def _import_settings(**env):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DURCHSTARTEN_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import durchstarten.settings"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_refuses_to_run_without_debug_on_the_development_key():
    result = _import_settings(DURCHSTARTEN_DEBUG="0")
    assert result.returncode != 0
    assert "DURCHSTARTEN_SECRET_KEY" in result.stderr


def test_it_runs_without_debug_with_a_real_key():
    result = _import_settings(
        DURCHSTARTEN_DEBUG="0",
        DURCHSTARTEN_SECRET_KEY="x" * 64,
        DURCHSTARTEN_FIELD_KEYS=Fernet.generate_key().decode(),
    )
    assert result.returncode == 0, result.stderr


def test_it_rejects_a_malformed_boolean():
    result = _import_settings(DURCHSTARTEN_DEBUG="vielleicht")
    assert result.returncode != 0
    assert "DURCHSTARTEN_DEBUG must be a boolean" in result.stderr


def test_it_defaults_to_german_and_berlin():
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "de"
    assert settings.TIME_ZONE == "Europe/Berlin"
    assert settings.USE_TZ
