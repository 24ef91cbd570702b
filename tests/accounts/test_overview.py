"""The account page: who you are, your roles, two-factor status, your last logins."""

from django.core.checks import Warning as CheckWarning
from django.urls import reverse

from durchstarten.accounts import sections
from durchstarten.accounts.checks import W_NOT_ENFORCED, check_two_factor_enforced
from durchstarten.core.models import Membership, Role
from tests.accounts.helpers import give_device, log_in
from tests.factories import PASSWORD

OVERVIEW = reverse("accounts:overview")


def test_it_shows_name_user_name_and_roles(client, case_manager, other_district):
    Membership.objects.create(user=case_manager, role=Role.COORDINATOR, district=other_district)
    client.force_login(case_manager)
    body = client.get(OVERVIEW).content.decode()
    assert case_manager.get_full_name() in body
    assert case_manager.username in body
    assert "Teilhabemanagement" in body
    assert "Kreis Gütersloh" in body and "Kreis Herford" in body


def test_it_shows_the_two_factor_status(client, case_manager):
    client.force_login(case_manager)
    assert "nicht eingerichtet" in client.get(OVERVIEW).content.decode()
    give_device(case_manager)
    assert "eingerichtet" in client.get(OVERVIEW).content.decode()
    assert "nicht eingerichtet" not in client.get(OVERVIEW).content.decode()


def test_it_lists_the_last_logins_from_the_audit_log(client, case_manager):
    log_in(client, case_manager, password="falsch")
    log_in(client, case_manager)
    body = client.get(OVERVIEW).content.decode()
    assert "Anmeldung mit Passwort" in body
    assert "Fehlgeschlagene Anmeldung" in body
    assert "127.0.0.1" in body


def test_it_shows_nobody_elses_logins(client, case_manager, coordinator):
    client.post(
        reverse("login"),
        {"username": coordinator.username, "password": PASSWORD},
        REMOTE_ADDR="192.0.2.55",
    )
    client.post(reverse("logout"))
    client.force_login(case_manager)
    assert "192.0.2.55" not in client.get(OVERVIEW).content.decode()


def test_it_links_the_sections_the_role_may_open(client, case_manager, coordinator):
    client.force_login(case_manager)
    body = client.get(OVERVIEW).content.decode()
    assert reverse("accounts:two_factor") in body
    assert reverse("accounts:break_glass_list") not in body
    client.force_login(coordinator)
    assert reverse("accounts:break_glass_list") in client.get(OVERVIEW).content.decode()


def test_it_keeps_the_sections_extensible(monkeypatch, client, case_manager):
    monkeypatch.setattr(
        sections, "ACCOUNT_SECTIONS", [*sections.ACCOUNT_SECTIONS, ("Kalender", "home")]
    )
    client.force_login(case_manager)
    assert "Kalender" in client.get(OVERVIEW).content.decode()


def test_it_reads_the_account_page_in_a_fixed_number_of_queries(
    client, case_manager, django_assert_num_queries
):
    for _ in range(3):
        log_in(client, case_manager)
    client.force_login(case_manager)
    with django_assert_num_queries(8):
        client.get(OVERVIEW)


def test_it_opens_the_account_page_for_every_role(client, db, state_analyst, admin_user, coach):
    for user in (state_analyst, admin_user, coach):
        client.force_login(user)
        assert client.get(OVERVIEW).status_code == 200


# --- Deployment check ------------------------------------------------------------------------


def test_it_warns_in_production_when_two_factor_is_not_enforced(settings):
    settings.DEBUG = False
    settings.DURCHSTARTEN_2FA_ENFORCED_ROLES = ["coordinator"]
    [warning] = check_two_factor_enforced(None)
    assert isinstance(warning, CheckWarning)
    assert warning.id == W_NOT_ENFORCED
    assert "admin" in warning.msg


def test_it_is_silent_when_enforced_or_in_development(settings):
    settings.DEBUG = False
    settings.DURCHSTARTEN_2FA_ENFORCED_ROLES = ["coordinator", "admin", "case_manager"]
    assert check_two_factor_enforced(None) == []
    settings.DEBUG = True
    settings.DURCHSTARTEN_2FA_ENFORCED_ROLES = []
    assert check_two_factor_enforced(None) == []
