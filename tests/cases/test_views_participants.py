"""The case list and the participant pages: records, status, outreach, consent, enrollment."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from durchstarten.cases.choices import ConsentPurpose, Stage
from durchstarten.cases.models import Consent, Contact, Need, Outreach, Participant, Task
from durchstarten.cases.services import consent as consent_services
from durchstarten.cases.services import participants as participant_services
from durchstarten.core.models import AuditEntry, Role
from tests.core.filtering import get_filtered
from tests.factories import (
    ConsentFactory,
    MunicipalityFactory,
    ParticipantFactory,
    ResidenceStatusFactory,
    member,
)

STALE = "inzwischen von jemand anderem geändert"
NO_CONSENT = "Für den Eintritt ist eine gültige Einwilligung in die Fallarbeit nötig."
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def _url(name, participant=None, **kwargs):
    if participant is not None:
        kwargs["public_id"] = participant.public_id
    return reverse(f"cases:{name}", kwargs=kwargs or None)


def _body(response):
    return response.content.decode()


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _create(actor, district, **fields):
    return participant_services.participant_create(actor=actor, district=district, **fields)


# --- Access -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "case_manager"])
def test_it_lists_the_districts_cases_to_district_staff(request, as_user, role, participant):
    response = as_user(request.getfixturevalue(role)).get(_url("participant_list"))
    assert response.status_code == 200
    assert "Al-Hassan" in _body(response)


@pytest.mark.parametrize("role", ["provider_staff", "state_analyst"])
def test_it_forbids_the_list_to_roles_without_case_work(request, as_user, role, participant):
    response = as_user(request.getfixturevalue(role)).get(_url("participant_list"))
    assert response.status_code == 403


def test_it_shows_a_coach_only_the_shared_participant(as_user, coach, enrolled, district):
    unshared = ParticipantFactory(
        district=district, coaching_provider=enrolled.coaching_provider, family_name="Ungeteilt"
    )
    client = as_user(coach)
    body = _body(client.get(_url("participant_list")))
    assert "Al-Hassan" in body
    assert "Ungeteilt" not in body
    assert client.get(_url("participant_detail", enrolled)).status_code == 200
    assert client.get(_url("participant_detail", unshared)).status_code == 404


def test_it_ends_a_coachs_access_when_consent_is_withdrawn(as_user, coach, enrolled, case_manager):
    consent = enrolled.consents.get(purpose=ConsentPurpose.PROVIDER_SHARING)
    consent_services.consent_withdraw(actor=case_manager, consent=consent)
    client = as_user(coach)
    assert client.get(_url("participant_detail", enrolled)).status_code == 404
    assert "Al-Hassan" not in _body(client.get(_url("participant_list")))


def test_it_lets_a_coach_do_case_work_on_a_shared_participant(as_user, coach, enrolled):
    response = as_user(coach).post(
        _url("outreach_create", enrolled),
        {"outreach-channel": "coach", "outreach-date": "2026-03-01", "outreach-result": "reached"},
    )
    assert response.status_code == 302
    assert enrolled.outreaches.filter(channel="coach").exists()


def test_it_forbids_coaches_to_open_records(as_user, coach, enrolled):
    client = as_user(coach)
    for name in ("participant_create", "contact_first"):
        assert client.get(_url(name)).status_code == 403
        assert client.post(_url(name), {"given_names": "Aisha"}).status_code == 403
    assert not Participant.objects.filter(given_names="Aisha").exists()


def _participant_urls(participant, consent):
    return {
        "participant_detail": _url("participant_detail", participant),
        "participant_edit": _url("participant_edit", participant),
        "status_create": _url("status_create", participant),
        "outreach_create": _url("outreach_create", participant),
        "consent_create": _url("consent_create", participant),
        "consent_withdraw": _url("consent_withdraw", participant, consent_id=consent.public_id),
        "enrollment_enter": _url("enrollment_enter", participant),
        "enrollment_exit": _url("enrollment_exit", participant),
        "enrollment_reassign": _url("enrollment_reassign", participant),
    }


@pytest.mark.parametrize("role", ["outsider", "provider_staff", "state_analyst"])
def test_it_answers_404_to_everyone_outside_the_case(request, as_user, role, enrolled):
    consent = enrolled.consents.get(purpose=ConsentPurpose.PROVIDER_SHARING)
    client = as_user(request.getfixturevalue(role))
    urls = _participant_urls(enrolled, consent)
    for name in ("participant_detail", "participant_edit", "consent_withdraw"):
        assert client.get(urls[name]).status_code == 404, name
    for name, url in urls.items():
        if name != "participant_detail":
            assert client.post(url, {}).status_code == 404, name
    consent.refresh_from_db()
    assert consent.withdrawn_on is None
    assert enrolled.enrollments.get().exit_date is None


def test_it_answers_404_while_acting_in_another_district(as_user, enrolled, other_district):
    user = member(Role.COORDINATOR, other_district)
    response = as_user(user).get(_url("participant_detail", enrolled))
    assert response.status_code == 404


# --- The case list ----------------------------------------------------------------------------


def test_it_finds_names_in_other_spellings(as_user, case_manager, district):
    _create(case_manager, district, given_names="Muhammad", family_name="Rahimi")
    _create(case_manager, district, given_names="Petra", family_name="Schmidt")
    body = _body(get_filtered(as_user(case_manager), _url("participant_list"), q="Mohamed"))
    assert "Rahimi" in body
    assert "Schmidt" not in body
    assert "1 Fall gefunden." in body


def test_it_finds_people_by_birth_date(as_user, case_manager, district, participant):
    _create(case_manager, district, given_names="Petra", date_of_birth=dt.date(2001, 5, 6))
    body = _body(get_filtered(as_user(case_manager), _url("participant_list"), q="01.04.2003"))
    assert "Al-Hassan" in body
    assert "Petra" not in body
    assert "01.04.2003" in body


def test_it_filters_by_stage_municipality_and_target_group(
    as_user, case_manager, district, enrolled
):
    elsewhere = MunicipalityFactory(district=district, name="Verl")
    _create(
        case_manager, district, given_names="Petra", family_name="Petrovic", municipality=elsewhere
    )
    ResidenceStatusFactory(participant=enrolled)
    client = as_user(case_manager)

    def names(**params):
        body = _body(get_filtered(client, _url("participant_list"), **params))
        return {name for name in ("Al-Hassan", "Petrovic") if name in body}

    assert names(stage=Stage.ACTIVE) == {"Al-Hassan"}
    assert names(stage=Stage.CONTACTED) == {"Petrovic"}
    assert names(municipality=str(elsewhere.public_id)) == {"Petrovic"}
    assert names(target_group="primary") == {"Al-Hassan"}
    assert names(case_manager=case_manager.pk) == {"Al-Hassan"}


def test_it_filters_by_open_needs_and_overdue_tasks(as_user, case_manager, district, participant):
    other = _create(case_manager, district, given_names="Petra", family_name="Ohnebedarf")
    Need.objects.create(
        participant=participant, category="german", identified_on=dt.date(2026, 3, 1)
    )
    Task.objects.create(
        participant=other, district=district, title="Anrufen", due_date=dt.date(2026, 1, 1)
    )
    client = as_user(case_manager)
    needs = _body(get_filtered(client, _url("participant_list"), open_needs=True))
    assert "Al-Hassan" in needs
    assert "Ohnebedarf" not in needs
    overdue = _body(get_filtered(client, _url("participant_list"), task_overdue=True))
    assert "Ohnebedarf" in overdue
    assert "Al-Hassan" not in overdue


def test_it_ignores_a_municipality_of_another_district(as_user, case_manager, participant):
    foreign = MunicipalityFactory()
    response = get_filtered(
        as_user(case_manager), _url("participant_list"), municipality=str(foreign.public_id)
    )
    assert response.status_code == 200
    assert "Al-Hassan" in _body(response)


def test_it_pages_25_cases(as_user, case_manager, district):
    ParticipantFactory.create_batch(30, district=district)
    client = as_user(case_manager)
    first = client.get(_url("participant_list"))
    assert len(first.context["page_obj"].object_list) == 25
    assert "Seite 1 von 2" in _body(first)
    second = client.get(_url("participant_list"), {"cursor": first.context["page_obj"].next_cursor})
    assert len(second.context["page_obj"].object_list) == 5


def test_it_sorts_by_birth_date_and_says_so(as_user, case_manager, district):
    young = ParticipantFactory(district=district, date_of_birth=dt.date(2005, 1, 1))
    old = ParticipantFactory(district=district, date_of_birth=dt.date(2000, 1, 1))
    response = as_user(case_manager).get(_url("participant_list"), {"sort": "-birth"})
    assert list(response.context["page_obj"]) == [young, old]
    assert 'aria-sort="descending"' in _body(response)


def _query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_it_lists_cases_in_a_constant_number_of_queries(as_user, case_manager, district):
    client = as_user(case_manager)
    ParticipantFactory(district=district, case_manager=case_manager)
    url = _url("participant_list")
    one = _query_count(client, url)
    for participant in ParticipantFactory.create_batch(
        14, district=district, case_manager=case_manager
    ):
        Need.objects.create(
            participant=participant, category="job", identified_on=dt.date(2026, 3, 1)
        )
        ResidenceStatusFactory(participant=participant)
    assert _query_count(client, url) == one


def test_it_never_shows_notes_or_contact_data_in_the_list(as_user, case_manager, enrolled):
    Participant.objects.filter(pk=enrolled.pk).update(phone="0521 999888", email="m@example.org")
    Contact.objects.create(
        participant=enrolled,
        date=dt.date(2026, 3, 1),
        duration_minutes=30,
        channel="in_person",
        note="Vertrauliche Gesprächsnotiz",
    )
    body = _body(as_user(case_manager).get(_url("participant_list")))
    assert "Al-Hassan" in body
    for secret in ("Vertrauliche Gesprächsnotiz", "0521 999888", "m@example.org"):
        assert secret not in body


def test_it_answers_htmx_list_requests_with_the_results_only(as_user, case_manager, participant):
    response = get_filtered(
        as_user(case_manager),
        _url("participant_list"),
        q="Mohammad",
        headers={"HX-Request": "true"},
    )
    body = _body(response)
    assert "<html" not in body
    assert "Al-Hassan" in body
    assert 'hx-swap-oob="innerHTML:#result-count"' in body


# --- Creating and editing records ---------------------------------------------------------------


def _record(municipality, **extra):
    return {
        "given_names": "Aisha",
        "family_name": "Haidari",
        "date_of_birth": "2004-07-15",
        "gender": "female",
        "nationality": "AF",
        "languages": ["prs", "fa"],
        "german_level": "A2",
        "literacy": "latin",
        "municipality": str(municipality.public_id),
        **extra,
    }


def test_it_creates_a_full_record(as_user, case_manager, municipality):
    response = as_user(case_manager).post(_url("participant_create"), _record(municipality))
    participant = Participant.objects.get(family_name="Haidari")
    assert response.status_code == 302
    assert response["Location"] == _url("participant_detail", participant)
    assert participant.languages == ["prs", "fa"]
    assert participant.nationality.code == "AF"
    assert participant.municipality == municipality


def test_it_shows_the_form_in_german(as_user, case_manager):
    body = _body(as_user(case_manager).get(_url("participant_create")))
    assert "Staatsangehörigkeit" in body
    assert ">Syrien<" in body
    assert 'type="date"' in body
    assert "Dari" in body


def test_it_rejects_a_birth_date_in_the_future(as_user, case_manager, municipality):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = as_user(case_manager).post(
        _url("participant_create"), _record(municipality, date_of_birth=tomorrow.isoformat())
    )
    assert response.status_code == 200
    assert "Das Geburtsdatum darf nicht in der Zukunft liegen." in _body(response)
    assert not Participant.objects.filter(family_name="Haidari").exists()


def test_it_offers_only_municipalities_of_the_active_district(as_user, case_manager, municipality):
    foreign = MunicipalityFactory(name="Bielefeld")
    client = as_user(case_manager)
    assert "Bielefeld" not in _body(client.get(_url("participant_create")))
    response = client.post(_url("participant_create"), _record(foreign))
    assert response.status_code == 200
    assert "gültige Auswahl" in _body(response)
    assert not Participant.objects.filter(family_name="Haidari").exists()


def test_it_records_a_first_contact_as_a_minimal_record(as_user, case_manager, district):
    response = as_user(case_manager).post(
        _url("contact_first"),
        {
            "given_names": "Yonas",
            "family_name": "Tesfaye",
            "channel": "foreigners_authority",
            "date": "2026-03-02",
            "result": "reached",
            "note": "über Liste vom März",
        },
    )
    participant = Participant.objects.get(family_name="Tesfaye")
    assert response.status_code == 302
    assert participant.is_minimal
    assert participant.district == district
    outreach = participant.outreaches.get()
    assert (outreach.channel, outreach.date) == ("foreigners_authority", dt.date(2026, 3, 2))
    detail = _body(as_user(case_manager).get(response["Location"]))
    assert "Bisher sind nur Mindestangaben erfasst." in detail


def test_it_requires_a_name_for_a_first_contact(as_user, case_manager):
    response = as_user(case_manager).post(
        _url("contact_first"), {"channel": "other", "date": "2026-03-02", "result": "reached"}
    )
    assert response.status_code == 200
    assert "Bitte prüfen Sie Ihre Eingaben." in _body(response)
    assert not Outreach.objects.exists()


def _edit_data(participant, **changes):
    data = {
        "given_names": participant.given_names,
        "family_name": participant.family_name,
        "date_of_birth": participant.date_of_birth.isoformat(),
        "gender": participant.gender,
        "german_level": participant.german_level,
        "literacy": participant.literacy,
        "municipality": str(participant.municipality.public_id),
        "version": participant.version,
    }
    data.update(changes)
    return data


def test_it_edits_a_record(as_user, case_manager, participant):
    response = as_user(case_manager).post(
        _url("participant_edit", participant), _edit_data(participant, phone="0170 123456")
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.phone == "0170 123456"
    assert participant.version == 2


def test_it_keeps_the_first_of_two_concurrent_edits(
    as_user, case_manager, coordinator, participant
):
    first = _edit_data(participant, family_name="Al-Hasan")
    second = _edit_data(participant, family_name="Alhassan")
    assert (
        as_user(case_manager).post(_url("participant_edit", participant), first).status_code == 302
    )
    response = as_user(coordinator).post(_url("participant_edit", participant), second)
    assert response.status_code == 200
    assert STALE in _body(response)
    participant.refresh_from_db()
    assert participant.family_name == "Al-Hasan"


# --- The participant page ---------------------------------------------------------------------


def test_it_shows_the_derived_target_group_with_its_reason(as_user, case_manager, enrolled):
    ResidenceStatusFactory(participant=enrolled)
    body = _body(as_user(case_manager).get(_url("participant_detail", enrolled)))
    assert "primäre Zielgruppe" in body
    assert "Duldung und 23 Jahre alt." in body
    assert "asH Gütersloh gGmbH" in body


def test_it_logs_the_read_without_personal_data(as_user, case_manager, enrolled):
    as_user(case_manager).get(_url("participant_detail", enrolled))
    entry = AuditEntry.objects.get(action="cases.participant.viewed")
    assert entry.actor == case_manager
    assert entry.object_id == str(enrolled.public_id)
    assert entry.district_id == enrolled.district_id
    assert entry.data == {}


def test_it_shows_the_timeline_in_german_without_notes(as_user, case_manager, enrolled):
    Contact.objects.create(
        participant=enrolled,
        date=dt.date(2026, 3, 1),
        duration_minutes=45,
        channel="in_person",
        note="Vertrauliche Gesprächsnotiz",
    )
    response = as_user(case_manager).get(_url("participant_detail", enrolled))
    timeline = _body(response).split('id="verlauf"')[1]
    for label in ("Eintritt", "Einwilligung erteilt", "Beratungskontakt", "45 Minuten"):
        assert label in timeline
    assert "Vertrauliche Gesprächsnotiz" not in timeline
    assert "01.02.2026" in timeline


def test_it_records_a_residence_status(as_user, case_manager, participant):
    response = as_user(case_manager).post(
        _url("status_create", participant),
        {"status-kind": "gestattung", "status-valid_from": "2025-06-01"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#aufenthaltsstatus")
    assert _messages(response) == ["Der Aufenthaltsstatus wurde erfasst."]
    assert participant.residence_statuses.get().kind == "gestattung"


def test_it_answers_htmx_writes_with_the_section(as_user, case_manager, participant):
    response = as_user(case_manager).post(
        _url("status_create", participant),
        {"status-kind": "duldung", "status-valid_from": "2025-06-01"},
        **HTMX,
    )
    body = _body(response)
    assert response.status_code == 200
    assert "<html" not in body
    assert 'id="aufenthaltsstatus"' in body
    assert "Der Aufenthaltsstatus wurde erfasst." in body
    assert "primäre Zielgruppe" in body  # the summary, swapped out of band
    assert body.count('hx-swap-oob="true"') == 2


def test_it_shows_section_errors_in_the_section(as_user, case_manager, participant):
    data = {
        "status-kind": "duldung",
        "status-valid_from": "2026-06-01",
        "status-valid_until": "2026-01-01",
    }
    client = as_user(case_manager)
    fragment = _body(client.post(_url("status_create", participant), data, **HTMX))
    assert "Das Ende darf nicht vor dem Beginn liegen." in fragment
    assert "<html" not in fragment
    page = client.post(_url("status_create", participant), data)
    assert page.status_code == 200
    assert "Das Ende darf nicht vor dem Beginn liegen." in _body(page)
    assert not participant.residence_statuses.exists()


def test_it_records_consent_for_sharing_with_a_provider(
    as_user, case_manager, participant, provider
):
    response = as_user(case_manager).post(
        _url("consent_create", participant),
        {
            "consent-purpose": ConsentPurpose.PROVIDER_SHARING,
            "consent-provider": str(provider.public_id),
            "consent-given_on": "2026-03-01",
            "consent-form_language": "ar",
        },
    )
    assert response.status_code == 302
    consent = participant.consents.get()
    assert consent.provider == provider


def test_it_requires_the_provider_for_sharing(as_user, case_manager, participant):
    response = as_user(case_manager).post(
        _url("consent_create", participant),
        {
            "consent-purpose": ConsentPurpose.PROVIDER_SHARING,
            "consent-given_on": "2026-03-01",
            "consent-form_language": "ar",
        },
    )
    assert "Für die Weitergabe muss der Träger genannt werden." in _body(response)
    assert not Consent.objects.exists()


def test_it_asks_before_withdrawing_a_consent(as_user, case_manager, enrolled):
    consent = enrolled.consents.get(purpose=ConsentPurpose.PROVIDER_SHARING)
    url = _url("consent_withdraw", enrolled, consent_id=consent.public_id)
    client = as_user(case_manager)
    question = _body(client.get(url))
    assert "Einwilligung wirklich widerrufen?" in question
    assert "Die Weitergabe endet sofort." in question
    consent.refresh_from_db()
    assert consent.withdrawn_on is None
    response = client.post(url, **HTMX)
    assert "Die Einwilligung wurde widerrufen." in _body(response)
    consent.refresh_from_db()
    assert consent.withdrawn_on == timezone.localdate()


def test_it_sends_a_coach_away_after_they_withdrew_the_sharing(as_user, coach, enrolled):
    consent = enrolled.consents.get(purpose=ConsentPurpose.PROVIDER_SHARING)
    response = as_user(coach).post(_url("consent_withdraw", enrolled, consent_id=consent.public_id))
    assert response.status_code == 302
    assert response["Location"] == _url("participant_list")


def test_it_requires_consent_for_the_entry(as_user, case_manager, participant):
    response = as_user(case_manager).post(
        _url("enrollment_enter", participant),
        {"enter-entry_date": "2026-03-01", "enter-case_manager": case_manager.pk},
    )
    assert response.status_code == 200
    assert NO_CONSENT in _body(response)
    assert not participant.enrollments.exists()


def test_it_enters_a_participant(as_user, case_manager, participant, coaching_assignment):
    ConsentFactory(participant=participant)
    client = as_user(case_manager)
    form = client.get(_url("participant_detail", participant)).context["enter_form"]
    assert form["case_manager"].value() == case_manager.pk
    response = client.post(
        _url("enrollment_enter", participant),
        {"enter-entry_date": "2026-03-01", "enter-case_manager": case_manager.pk},
        **HTMX,
    )
    assert "Der Eintritt wurde erfasst." in _body(response)
    participant.refresh_from_db()
    assert participant.stage == Stage.ACTIVE
    assert participant.coaching_provider == coaching_assignment.provider


def test_it_records_an_exit(as_user, case_manager, enrolled):
    enrollment = enrolled.enrollments.get()
    response = as_user(case_manager).post(
        _url("enrollment_exit", enrolled),
        {
            "exit-version": enrollment.version,
            "exit-exit_date": "2026-06-30",
            "exit-exit_reason": "training",
        },
    )
    assert response.status_code == 302
    enrolled.refresh_from_db()
    assert enrolled.stage == Stage.EXITED


def test_it_reassigns_the_responsible_staff(
    as_user, case_manager, coordinator, enrolled, coach, provider
):
    enrollment = enrolled.enrollments.get()
    response = as_user(case_manager).post(
        _url("enrollment_reassign", enrolled),
        {
            "reassign-version": enrollment.version,
            "reassign-case_manager": coordinator.pk,
            "reassign-coaching_provider": str(provider.public_id),
            "reassign-coach": coach.pk,
        },
    )
    assert response.status_code == 302
    enrolled.refresh_from_db()
    assert (enrolled.case_manager, enrolled.coach) == (coordinator, coach)


def test_it_rejects_an_exit_without_an_open_enrollment(as_user, case_manager, participant):
    response = as_user(case_manager).post(
        _url("enrollment_exit", participant),
        {"exit-version": 1, "exit-exit_date": "2026-06-30", "exit-exit_reason": "training"},
    )
    assert response.status_code == 200
    assert "Die Person ist derzeit nicht im Programm." in _body(response)
