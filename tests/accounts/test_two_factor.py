"""Setting up, using and removing two-factor authentication (TOTP and backup codes)."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from durchstarten.accounts import two_factor
from durchstarten.core.models import AuditEntry
from tests.accounts.helpers import BACKUP_CODES, code, give_device, log_in, sign_in_verified
from tests.factories import PASSWORD

SETUP = reverse("accounts:two_factor_setup")
VERIFY = reverse("accounts:otp_verify")
PARTICIPANTS = reverse("cases:participant_list")


def _session_key(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _verified(client) -> bool:
    return DEVICE_ID_SESSION_KEY in client.session


def _actions(user) -> list[str]:
    return list(
        AuditEntry.objects.filter(actor=user).order_by("sequence").values_list("action", flat=True)
    )


# --- Setting up ---------------------------------------------------------------------------


def test_it_shows_a_qr_code_and_the_secret_for_manual_entry(client, case_manager):
    client.force_login(case_manager)
    response = client.get(SETUP)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in body and "<title" in body
    device = TOTPDevice.objects.get(user=case_manager)
    assert not device.confirmed
    assert two_factor.secret_for_display(device) in body


def test_it_keeps_the_same_key_until_the_setup_is_confirmed(client, case_manager):
    client.force_login(case_manager)
    client.get(SETUP)
    client.get(SETUP)
    assert TOTPDevice.objects.filter(user=case_manager).count() == 1


def test_it_refuses_a_wrong_code_during_setup(client, case_manager):
    client.force_login(case_manager)
    client.get(SETUP)
    response = client.post(SETUP, {"token": "000000"})
    assert response.status_code == 200
    assert "Der Code ist nicht richtig" in response.content.decode()
    assert not TOTPDevice.objects.get(user=case_manager).confirmed


def test_it_confirms_the_device_and_shows_the_backup_codes_once(client, case_manager):
    client.force_login(case_manager)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=case_manager)
    before = _session_key(client)
    response = client.post(SETUP, {"token": code(device)})
    body = response.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    tokens = list(
        StaticToken.objects.filter(device__user=case_manager).values_list("token", flat=True)
    )
    assert len(tokens) == two_factor.BACKUP_CODE_COUNT
    assert all(token in body for token in tokens)
    assert _verified(client)
    assert _session_key(client) != before
    assert "account.2fa.enabled" in _actions(case_manager)
    assert tokens[0] not in client.get(reverse("accounts:two_factor")).content.decode()


def test_it_never_puts_a_code_into_the_audit_log(client, case_manager):
    client.force_login(case_manager)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=case_manager)
    token = code(device)
    client.post(SETUP, {"token": token})
    dumped = str(list(AuditEntry.objects.values()))
    assert token not in dumped
    assert device.key not in dumped


def test_it_sends_a_user_with_a_device_from_setup_to_the_overview(client, case_manager):
    sign_in_verified(client, case_manager, give_device(case_manager))
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=case_manager).persistent_id
    session.save()
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response.url == reverse("accounts:two_factor")


# --- Backup codes and removal ----------------------------------------------------------------


def test_it_asks_before_replacing_the_backup_codes(client, case_manager):
    sign_in_verified(client, case_manager, give_device(case_manager))
    response = client.get(reverse("accounts:backup_codes"))
    assert response.status_code == 200
    assert StaticToken.objects.filter(token=BACKUP_CODES[0]).exists()


def test_it_replaces_the_backup_codes(client, case_manager):
    sign_in_verified(client, case_manager, give_device(case_manager))
    response = client.post(reverse("accounts:backup_codes"))
    tokens = list(StaticToken.objects.values_list("token", flat=True))
    assert len(tokens) == two_factor.BACKUP_CODE_COUNT
    assert not set(tokens) & set(BACKUP_CODES)
    assert all(token in response.content.decode() for token in tokens)
    assert "account.2fa.backup_codes_renewed" in _actions(case_manager)


def test_it_offers_no_backup_codes_without_an_authenticator(client, case_manager):
    client.force_login(case_manager)
    response = client.post(reverse("accounts:backup_codes"))
    assert response.status_code == 302
    assert not StaticDevice.objects.exists()


@pytest.mark.parametrize(
    ("password", "token", "error"),
    [
        ("falsch", None, "Das Passwort ist nicht richtig."),
        (PASSWORD, "123456", "Der Code ist nicht richtig"),
    ],
)
def test_it_removes_two_factor_only_with_password_and_code(
    client, case_manager, no_throttle, password, token, error
):
    device = give_device(case_manager)
    sign_in_verified(client, case_manager, device)
    response = client.post(
        reverse("accounts:two_factor_remove"),
        {"password": password, "token": token or code(device)},
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    assert TOTPDevice.objects.filter(user=case_manager).exists()


def test_it_removes_the_authenticator_and_the_backup_codes(client, case_manager):
    device = give_device(case_manager)
    sign_in_verified(client, case_manager, device)
    response = client.post(
        reverse("accounts:two_factor_remove"), {"password": PASSWORD, "token": code(device)}
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.exists()
    assert not StaticDevice.objects.exists()
    assert "account.2fa.disabled" in _actions(case_manager)


# --- Login with the second factor ------------------------------------------------------------


def test_it_asks_for_the_code_after_the_password(client, case_manager, two_factor_middleware):
    give_device(case_manager)
    log_in(client, case_manager)
    response = client.get(PARTICIPANTS)
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)
    assert client.get(response.url).status_code == 200


def test_it_lets_nothing_through_before_the_code(client, case_manager, two_factor_middleware):
    give_device(case_manager)
    log_in(client, case_manager)
    for url in ("/", PARTICIPANTS, reverse("accounts:overview"), SETUP):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(VERIFY), url


def test_it_hides_the_navigation_before_the_code(client, case_manager, two_factor_middleware):
    give_device(case_manager)
    log_in(client, case_manager)
    body = client.get(VERIFY).content.decode()
    assert "Hauptnavigation" not in body


def test_it_answers_htmx_with_a_client_redirect(client, case_manager, two_factor_middleware):
    give_device(case_manager)
    log_in(client, case_manager)
    response = client.get(PARTICIPANTS, headers={"HX-Request": "true"})
    assert response.headers["HX-Redirect"] == VERIFY


def test_it_signs_in_with_the_code_and_a_new_session_id(
    client, case_manager, two_factor_middleware
):
    device = give_device(case_manager)
    log_in(client, case_manager)
    before = _session_key(client)
    response = client.post(VERIFY, {"token": code(device), "next": PARTICIPANTS})
    assert response.status_code == 302
    assert response.url == PARTICIPANTS
    assert _session_key(client) != before
    assert client.get(PARTICIPANTS).status_code == 200
    assert _actions(case_manager)[-1] == "login.otp_verified"


def test_it_accepts_a_backup_code_once(client, case_manager, two_factor_middleware):
    give_device(case_manager)
    log_in(client, case_manager)
    assert client.post(VERIFY, {"token": BACKUP_CODES[0]}).status_code == 302
    client.post(reverse("logout"))
    log_in(client, case_manager)
    response = client.post(VERIFY, {"token": BACKUP_CODES[0]})
    assert response.status_code == 200
    assert not _verified(client)


def test_it_refuses_a_code_used_before(client, case_manager, two_factor_middleware, no_throttle):
    device = give_device(case_manager)
    token = code(device)
    log_in(client, case_manager)
    assert client.post(VERIFY, {"token": token}).status_code == 302
    client.post(reverse("logout"))
    log_in(client, case_manager)
    assert client.post(VERIFY, {"token": token}).status_code == 200


def test_it_audits_a_wrong_code_without_the_code(
    client, case_manager, two_factor_middleware, no_throttle
):
    give_device(case_manager)
    log_in(client, case_manager)
    response = client.post(VERIFY, {"token": "987654"})
    assert response.status_code == 200
    assert "Der Code ist nicht richtig" in response.content.decode()
    assert "987654" not in response.content.decode()
    entry = AuditEntry.objects.filter(action="login.otp_failed").get()
    assert entry.actor == case_manager
    assert entry.outcome == "failed"
    assert "987654" not in str(entry.data)
    assert "987654" not in AccessAttempt.objects.get().post_data


def test_it_locks_out_after_five_wrong_codes(
    client, case_manager, two_factor_middleware, no_throttle
):
    device = give_device(case_manager)
    log_in(client, case_manager)
    responses = [client.post(VERIFY, {"token": "000000"}) for _ in range(5)]
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert "_auth_user_id" not in client.session
    assert log_in(client, case_manager).status_code == 429
    assert client.post(VERIFY, {"token": code(device)}).status_code == 302
    assert "_auth_user_id" not in client.session


def test_it_slows_down_guessing_on_the_device(client, case_manager, two_factor_middleware):
    device = give_device(case_manager)
    log_in(client, case_manager)
    client.post(VERIFY, {"token": "000000"})
    # Within the delay that django-otp imposes after a failure, even the right code fails.
    assert client.post(VERIFY, {"token": code(device)}).status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_it_sends_a_verified_user_from_the_code_page_onwards(client, case_manager):
    client.force_login(case_manager)
    response = client.get(VERIFY + "?next=https://example.org/")
    assert response.status_code == 302
    assert response.url == reverse("home")


# --- Enforcement -----------------------------------------------------------------------------


def test_it_makes_a_coordinator_set_up_two_factor_first(client, coordinator, enforced):
    log_in(client, coordinator)
    response = client.get(PARTICIPANTS)
    assert response.status_code == 302
    assert response.url.startswith(SETUP)
    assert client.get(SETUP).status_code == 200


def test_it_makes_an_admin_set_up_two_factor_first(client, admin_user, enforced):
    client.force_login(admin_user)
    assert client.get("/").url.startswith(SETUP)


def test_it_leaves_logout_and_language_open_during_setup(client, coordinator, enforced):
    client.force_login(coordinator)
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 302
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_it_lets_the_coordinator_in_once_set_up(client, coordinator, enforced):
    client.force_login(coordinator)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=coordinator)
    client.post(SETUP, {"token": code(device)})
    assert client.get(PARTICIPANTS).status_code == 200


def test_it_does_not_force_case_managers(client, case_manager, enforced):
    log_in(client, case_manager)
    assert client.get(PARTICIPANTS).status_code == 200


def test_it_forces_nobody_when_the_setting_is_empty(client, coordinator, two_factor_middleware):
    log_in(client, coordinator)
    assert client.get(PARTICIPANTS).status_code == 200


def test_it_defaults_to_coordinators_and_admins(settings):
    del settings.DURCHSTARTEN_2FA_ENFORCED_ROLES
    assert two_factor.enforced_roles() == {"coordinator", "admin"}


def test_it_asks_for_the_code_in_a_session_from_before_the_feature(client, coordinator, enforced):
    give_device(coordinator)
    client.force_login(coordinator)
    session = client.session
    del session[two_factor.STATE_KEY]
    session.save()
    assert client.get("/").url.startswith(VERIFY)


def test_it_adds_no_query_to_pages_once_signed_in(client, case_manager, two_factor_middleware):
    client.force_login(case_manager)
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("cases:participant_list"))
    assert not any("otp_" in query["sql"] for query in captured.captured_queries)


def test_it_counts_a_wrong_code_on_the_removal_page_towards_throttling(client, case_manager):
    device = give_device(case_manager)
    sign_in_verified(client, case_manager, device)
    client.post(reverse("accounts:two_factor_remove"), {"password": PASSWORD, "token": "000000"})
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_it_asks_for_the_code_in_a_session_begun_before_the_setup(client, coordinator, enforced):
    client.force_login(coordinator)
    give_device(coordinator)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(VERIFY)
    assert response.status_code == 200
