"""The production settings pass Django's deployment check without a single warning."""

import os
import secrets
import subprocess
import sys

from cryptography.fernet import Fernet

PRODUCTION = {
    "DURCHSTARTEN_DEBUG": "0",
    "DURCHSTARTEN_SECRET_KEY": secrets.token_urlsafe(48),
    "DURCHSTARTEN_ALLOWED_HOSTS": "durchstarten.example",
    "DATABASE_URL": "sqlite://:memory:",
    "DURCHSTARTEN_FIELD_KEYS": Fernet.generate_key().decode(),
}


def test_it_passes_the_deploy_check_with_production_settings():
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DURCHSTARTEN_")}
    environment |= PRODUCTION
    result = subprocess.run(
        [sys.executable, "-m", "durchstarten", "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
