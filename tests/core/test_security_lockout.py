"""Login lockout (django-axes): five failures per username and address, 15 minutes."""

import datetime as dt
import re

from axes.models import AccessAttempt
from django.db.models import F
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

LOCKED = "Anmeldung vorübergehend gesperrt. Bitte versuchen Sie es in 15 Minuten erneut."
INVALID = "Benutzername oder Passwort ist falsch."


def _log_in(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def _fail_five_times(client, username, **extra):
    return [_log_in(client, username, "falsch", **extra) for _ in range(5)]


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def _comparable(response, username) -> tuple[int, str]:
    """Status and body without what differs by design: the CSRF token and the typed name."""
    body = response.content.decode().replace(username, "NAME")
    return response.status_code, re.sub(r'value="[^"]{64}"', 'value="TOKEN"', body)


def test_it_answers_the_first_four_failures_with_the_invalid_login_message(client, db):
    user = UserFactory()
    for response in _fail_five_times(client, user.username)[:4]:
        assert response.status_code == 200
        assert INVALID in response.content.decode()
        assert LOCKED not in response.content.decode()


def test_it_locks_out_at_the_fifth_failure(client, db):
    user = UserFactory()
    fifth = _fail_five_times(client, user.username)[-1]
    assert fifth.status_code == 429
    assert LOCKED in fifth.content.decode()
    assert INVALID not in fifth.content.decode()


def test_it_refuses_the_right_password_during_the_lockout(client, db):
    user = UserFactory()
    _fail_five_times(client, user.username)
    response = _log_in(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert not _signed_in(client)


def test_it_answers_unknown_and_known_usernames_identically(client, db):
    user = UserFactory()
    known = [*_fail_five_times(client, user.username), _log_in(client, user.username, PASSWORD)]
    unknown = [*_fail_five_times(client, "niemand"), _log_in(client, "niemand", PASSWORD)]
    assert [_comparable(r, user.username) for r in known] == [
        _comparable(r, "niemand") for r in unknown
    ]


def test_it_answers_a_disabled_account_like_an_unknown_one(client, db):
    disabled = UserFactory(is_active=False)
    response = _log_in(client, disabled.username, PASSWORD)
    assert _comparable(response, disabled.username) == _comparable(
        _log_in(client, "niemand", PASSWORD), "niemand"
    )


def test_it_lets_the_user_in_again_after_the_cool_off(client, db):
    user = UserFactory()
    _fail_five_times(client, user.username)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=15))
    response = _log_in(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert _signed_in(client)


def test_it_keeps_the_lockout_one_minute_before_the_cool_off_ends(client, db):
    user = UserFactory()
    _fail_five_times(client, user.username)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=14))
    assert _log_in(client, user.username, PASSWORD).status_code == 429


def test_it_does_not_extend_the_lockout_with_attempts_during_it(client, db):
    user = UserFactory()
    _fail_five_times(client, user.username)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=10))
    _fail_five_times(client, user.username)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - dt.timedelta(minutes=5))
    assert _log_in(client, user.username, PASSWORD).status_code == 302


def test_it_locks_the_username_only_from_the_failing_address(client, db):
    user = UserFactory()
    _fail_five_times(client, user.username, REMOTE_ADDR="192.0.2.10")
    response = _log_in(client, user.username, PASSWORD, REMOTE_ADDR="192.0.2.20")
    assert response.status_code == 302


def test_it_forgets_failures_after_a_successful_login(client, db):
    user = UserFactory()
    for _ in range(4):
        _log_in(client, user.username, "falsch")
    assert _log_in(client, user.username, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    assert _log_in(client, user.username, "falsch").status_code == 200


def test_it_keeps_the_password_out_of_the_attempt_record(client, db):
    user = UserFactory()
    _log_in(client, user.username, "geheim-falsch")
    assert "geheim-falsch" not in AccessAttempt.objects.get().post_data
