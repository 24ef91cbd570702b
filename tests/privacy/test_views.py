"""The /datenschutz/ pages: coordinators only, other districts 404, lists with fixed queries."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from durchstarten.cases.models import Participant
from durchstarten.privacy.models import Decision, LegalHold, PrivacyRequest, RetentionPolicy
from tests.core.filtering import get_filtered
from tests.privacy.conftest import rich_participant

LISTS = ("privacy:overview", "privacy:due_list", "privacy:request_list", "privacy:hold_list")


@pytest.fixture(autouse=True)
def no_funding_audit(settings):
    settings.DURCHSTARTEN_FUNDING_AUDIT_YEARS = 0


@pytest.fixture
def signed_in(client, coordinator):
    client.force_login(coordinator)
    return client


def _url(name, obj=None):
    return reverse(name, kwargs={"public_id": obj.public_id} if obj is not None else None)


def test_only_coordinators_reach_the_pages(client, case_manager, coach, exited):
    for user in (case_manager, coach):
        client.force_login(user)
        assert client.get(_url("privacy:overview")).status_code == 403
        assert client.get(_url("privacy:participant", exited)).status_code == 403


def test_another_districts_coordinator_gets_404(client, outsider, exited):
    client.force_login(outsider)
    assert client.get(_url("privacy:participant", exited)).status_code == 404
    assert client.get(_url("privacy:access_report", exited)).status_code == 404
    assert client.get(_url("privacy:hold_create", exited)).status_code == 404


def test_the_overview_shows_periods_and_what_is_due(signed_in, exited):
    response = signed_in.get(_url("privacy:overview"))
    assert response.status_code == 200
    assert "Aufbewahrungsfristen und heute fällige Daten" in response.text
    response = signed_in.get(_url("privacy:due_list"))
    assert exited.family_name in response.text


def test_the_lists_take_a_fixed_number_of_queries(
    signed_in, district, municipality, django_assert_max_num_queries
):
    today = timezone.localdate()
    for n in range(3):
        person = rich_participant(
            district,
            municipality,
            tag=str(n),
            entry=today - dt.timedelta(days=1500),
            exit_date=today - dt.timedelta(days=900),
        )
        if n == 0:
            Participant.objects.filter(pk=person.pk).update(restricted_at=timezone.now())
        if n == 1:
            LegalHold.objects.create(participant=person, reason="x", until=today)
        PrivacyRequest.objects.create(
            participant=person, kind="erasure", received_on=today, legal_basis="art17_1a"
        )
    counts = {}
    for name in (*LISTS, "privacy:restricted_list"):
        with django_assert_max_num_queries(25) as captured:
            assert signed_in.get(_url(name)).status_code == 200
        counts[name] = len(captured)
    rich_participant(district, municipality, tag="9", exit_date=today - dt.timedelta(days=900))
    for name, count in counts.items():
        with django_assert_max_num_queries(count):
            signed_in.get(_url(name))


def test_the_request_list_filters_and_sorts(signed_in, exited):
    PrivacyRequest.objects.create(
        participant=exited, kind="erasure", received_on=timezone.localdate(), legal_basis="art17_1a"
    )
    url = _url("privacy:request_list")
    assert exited.family_name in get_filtered(signed_in, url, kind="erasure").text
    filtered = get_filtered(signed_in, url, kind="erasure", decision="granted")
    assert exited.family_name not in filtered.text
    assert signed_in.get(url, {"sort": "-received"}).status_code == 200


def test_a_coordinator_sets_periods(signed_in, district):
    response = signed_in.post(
        _url("privacy:policy_edit"),
        dict.fromkeys(("master_data", "notes", "contacts", "documents", "consents"), 800)
        | {"audit_log": 3000},
    )
    assert response.status_code == 302
    assert RetentionPolicy.objects.get(district=district, data_class="notes").days == 800
    response = signed_in.post(_url("privacy:policy_edit"), {"notes": 10})
    assert response.status_code == 200
    assert "365 Tage" in response.text


def test_the_request_journey_ends_in_anonymisation(signed_in, exited):
    response = signed_in.post(
        _url("privacy:request_create", exited),
        {
            "kind": "erasure",
            "received_on": timezone.localdate().isoformat(),
            "legal_basis": "art17_1b",
        },
    )
    assert response.status_code == 302
    request = PrivacyRequest.objects.get(participant=exited, kind="erasure")
    response = signed_in.post(
        _url("privacy:request_decide", request),
        {"decision": Decision.GRANTED, "version": request.version},
    )
    assert response.status_code == 302
    execute = _url("privacy:request_execute", request)
    assert "endgültig entfernt" in signed_in.get(execute).text
    assert signed_in.post(execute).status_code == 302
    exited.refresh_from_db()
    assert exited.anonymised_at is not None
    page = signed_in.get(_url("privacy:participant", exited))
    assert "Die Daten dieser Person sind anonymisiert." in page.text


def test_a_refused_erasure_shows_the_reason(signed_in, active, coordinator):
    request = PrivacyRequest.objects.create(
        participant=active,
        kind="erasure",
        received_on=timezone.localdate(),
        legal_basis="art17_1a",
        decision=Decision.GRANTED,
        decided_on=timezone.localdate(),
    )
    response = signed_in.post(_url("privacy:request_execute", request))
    assert response.status_code == 200
    assert "Teilnahme läuft noch" in response.text
    active.refresh_from_db()
    assert active.anonymised_at is None


def test_holds_are_added_and_lifted_after_confirmation(signed_in, exited):
    until = timezone.localdate() + dt.timedelta(days=30)
    response = signed_in.post(
        _url("privacy:hold_create", exited), {"reason": "Klage", "until": until.isoformat()}
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get(participant=exited, reason="Klage")
    lift = _url("privacy:hold_lift", hold)
    assert "wirklich aufheben" in signed_in.get(lift).text
    assert signed_in.post(lift).status_code == 302
    hold.refresh_from_db()
    assert hold.lifted_on == timezone.localdate()


def test_restriction_is_set_and_lifted_from_the_pages(signed_in, active):
    request = PrivacyRequest.objects.create(
        participant=active,
        kind="restriction",
        received_on=timezone.localdate(),
        legal_basis="art18_1a",
        decision=Decision.GRANTED,
        decided_on=timezone.localdate(),
    )
    assert signed_in.post(_url("privacy:request_execute", request)).status_code == 302
    listed = signed_in.get(_url("privacy:restricted_list"))
    assert active.family_name in listed.text
    assert signed_in.post(_url("privacy:restriction_lift", request)).status_code == 302
    active.refresh_from_db()
    assert active.restricted_at is None
