"""Sessions: 30 minutes idle, an absolute lifetime, a new id at login, none for the disabled."""

import datetime as dt
import os
import subprocess
import sys

from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from durchstarten.core.security import LOGIN_AT_SESSION_KEY
from tests.factories import PASSWORD

HOME = "/"


def _session_row(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def _is_sent_to_login(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("login"))


def test_it_defaults_to_thirty_minutes_idle_and_ten_hours_absolute():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.DURCHSTARTEN_SESSION_ABSOLUTE_SECONDS == 10 * 60 * 60


def test_it_reads_both_lifetimes_from_the_environment():
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DURCHSTARTEN_")}
    environment |= {
        "DURCHSTARTEN_SESSION_IDLE_SECONDS": "600",
        "DURCHSTARTEN_SESSION_ABSOLUTE_SECONDS": "7200",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from durchstarten import settings as s;"
            "print(s.SESSION_COOKIE_AGE, s.DURCHSTARTEN_SESSION_ABSOLUTE_SECONDS)",
        ],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["600", "7200"]


def test_it_moves_the_idle_expiry_on_with_every_request(client, case_manager):
    client.force_login(case_manager)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + dt.timedelta(minutes=1)
    )
    assert client.get(HOME).status_code == 200
    remaining = _session_row(client).expire_date - timezone.now()
    assert dt.timedelta(minutes=29) < remaining <= dt.timedelta(minutes=30)


def test_it_ends_a_session_idle_for_thirty_minutes(client, case_manager):
    client.force_login(case_manager)
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    assert _is_sent_to_login(client.get(HOME))


def test_it_records_the_login_time_in_the_session(client, case_manager):
    client.post(reverse("login"), {"username": case_manager.username, "password": PASSWORD})
    client.get(HOME)
    assert abs(client.session[LOGIN_AT_SESSION_KEY] - timezone.now().timestamp()) < 60


def _age_login(client, seconds: int) -> None:
    session = client.session
    session[LOGIN_AT_SESSION_KEY] -= seconds
    session.save()


def test_it_ends_an_active_session_at_the_absolute_lifetime(client, case_manager):
    client.force_login(case_manager)
    client.get(HOME)
    old_key = client.session.session_key
    _age_login(client, 10 * 60 * 60)
    assert _is_sent_to_login(client.get(HOME))
    assert not Session.objects.filter(session_key=old_key).exists()
    assert "_auth_user_id" not in client.session


def test_it_keeps_a_session_just_under_the_absolute_lifetime(client, case_manager):
    client.force_login(case_manager)
    client.get(HOME)
    _age_login(client, 10 * 60 * 60 - 60)
    assert client.get(HOME).status_code == 200


def test_it_takes_the_absolute_lifetime_from_the_setting(client, case_manager, settings):
    settings.DURCHSTARTEN_SESSION_ABSOLUTE_SECONDS = 120
    client.force_login(case_manager)
    client.get(HOME)
    _age_login(client, 120)
    assert _is_sent_to_login(client.get(HOME))


def test_it_gives_the_session_a_new_id_at_login(client, case_manager):
    session = client.session
    session["vor_der_anmeldung"] = True
    session.save()
    before = session.session_key
    client.post(reverse("login"), {"username": case_manager.username, "password": PASSWORD})
    assert client.session.session_key != before
    assert not Session.objects.filter(session_key=before).exists()


def test_it_ends_the_session_of_a_disabled_account_at_the_next_request(client, case_manager):
    client.force_login(case_manager)
    assert client.get(HOME).status_code == 200
    case_manager.is_active = False
    case_manager.save(update_fields=["is_active"])
    assert _is_sent_to_login(client.get(HOME))


def test_it_ends_a_session_started_through_the_login_form_when_disabled(client, case_manager):
    client.post(reverse("login"), {"username": case_manager.username, "password": PASSWORD})
    assert client.get(HOME).status_code == 200
    case_manager.is_active = False
    case_manager.save(update_fields=["is_active"])
    assert _is_sent_to_login(client.get(HOME))
