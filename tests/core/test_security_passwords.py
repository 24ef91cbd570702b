"""Password rules after OWASP ASVS 5: at least 8 characters, long ones welcome, no
composition rules, common passwords and ones resembling the user's name refused."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from durchstarten.core.models import User


def _refusal_codes(password, user=None) -> set[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return {e.code for e in error.error_list}
    return set()


@pytest.mark.parametrize(
    "password",
    [
        "tannenzapfen",  # lower case letters only
        "84736291",  # digits only, 8 characters
        "Gräfin Märzenbecher trinkt Kaffee am Rheinufer " * 3,  # 141 characters, spaces
    ],
)
def test_it_accepts_passwords_without_composition_rules(password):
    assert _refusal_codes(password) == set()


def test_it_refuses_passwords_shorter_than_eight_characters():
    assert _refusal_codes("x7!qZr%") == {"password_too_short"}


@pytest.mark.parametrize("password", ["password", "12345678", "qwertyuiop"])
def test_it_refuses_common_passwords(password):
    assert "password_too_common" in _refusal_codes(password)


def test_it_refuses_a_password_resembling_the_username():
    user = User(username="annaschmidt", first_name="Anna", last_name="Schmidt")
    assert "password_too_similar" in _refusal_codes("annaschmidt1", user)
