"""Exports of the case list, the offer directory, the referral inbox and the task list."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from durchstarten.cases.choices import ConsentPurpose, Stage
from durchstarten.cases.models import Consent
from durchstarten.cases.services.participants import _store_name_keys
from durchstarten.core.models import AuditEntry, AuditOutcome, Role
from durchstarten.exports.tables import COACH_HIDDEN
from durchstarten.imports.columns import PARTICIPANT_COLUMNS
from durchstarten.offers.choices import ReferralState
from tests.core.filtering import filter_url
from tests.exports.conftest import (
    DOCUMENT_NOTE,
    person,
    read_csv,
    read_xlsx,
    refer,
    task,
)
from tests.factories import MunicipalityFactory, OfferFactory, ProviderFactory, member

EXPORTS = [
    "participants_xlsx",
    "participants_csv",
    "referrals_xlsx",
    "referrals_csv",
    "tasks_xlsx",
    "tasks_csv",
]


def _read(response):
    assert response.status_code == 200, response.status_code
    if response["Content-Type"].startswith("text/csv"):
        return read_csv(response)
    return read_xlsx(response)


def _export(client, name, list_url=None, **filters):
    """The export `name`, with the filters stored by the list at `list_url` (as its link)."""
    query = ""
    if filters:
        query = "?" + filter_url(client, list_url, **filters).partition("?")[2]
    return client.get(reverse(f"exports:{name}") + query)


def _names(rows) -> list[str]:
    return sorted(f"{row[0]} {row[1]}" for row in rows[1:])


# --- Participants -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_it_exports_the_case_list_as_filtered(as_user, case_manager, people, fmt):
    people[1].stage = Stage.ACTIVE
    people[1].save(update_fields=["stage"])
    for participant in people:
        _store_name_keys(participant)
    client = as_user(case_manager)
    list_url = reverse("cases:participant_list")
    assert _names(_read(_export(client, f"participants_{fmt}"))) == [
        "Amal Haddad",
        "Bilal Yousef",
        "Dawit Tesfaye",
    ]
    rows = _read(_export(client, f"participants_{fmt}", list_url, stage=Stage.ACTIVE))
    assert _names(rows) == ["Bilal Yousef"]
    rows = _read(_export(client, f"participants_{fmt}", list_url, q="Tesfaye"))
    assert _names(rows) == ["Dawit Tesfaye"]


def test_it_sorts_as_the_list_does(as_user, case_manager, people):
    client = as_user(case_manager)
    url = filter_url(client, reverse("cases:participant_list"), sort="-name")
    rows = read_csv(client.get(reverse("exports:participants_csv") + "?" + url.partition("?")[2]))
    assert [row[1] for row in rows[1:]] == ["Yousef", "Tesfaye", "Haddad"]


def test_it_uses_the_import_columns(as_user, coordinator, people):
    rows = _read(as_user(coordinator).get(reverse("exports:participants_csv")))
    assert rows[0] == [column.header for column in PARTICIPANT_COLUMNS]
    assert DOCUMENT_NOTE in rows[1]


def test_it_gives_a_coach_only_their_people_without_residence_documents(
    as_user, coach, people, district, municipality
):
    rows = _read(as_user(coach).get(reverse("exports:participants_xlsx")))
    hidden = {c.header for c in PARTICIPANT_COLUMNS if c.key in COACH_HIDDEN}
    assert hidden and not hidden & set(rows[0])
    assert _names(rows) == ["Amal Haddad", "Bilal Yousef"]
    assert DOCUMENT_NOTE not in str(rows)


def test_it_drops_a_person_from_a_coachs_export_once_consent_is_withdrawn(as_user, coach, people):
    Consent.objects.filter(participant=people[0], purpose=ConsentPurpose.PROVIDER_SHARING).update(
        withdrawn_on=timezone.localdate()
    )
    rows = _read(as_user(coach).get(reverse("exports:participants_csv")))
    assert _names(rows) == ["Bilal Yousef"]


def test_it_never_exports_another_districts_people(as_user, outsider, people):
    rows = _read(as_user(outsider).get(reverse("exports:participants_xlsx")))
    assert rows[1:] == []


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_it_reads_a_constant_number_of_queries(
    as_user, case_manager, district, municipality, provider, fmt, django_assert_max_num_queries
):
    client = as_user(case_manager)
    url = reverse(f"exports:participants_{fmt}")
    person(district, municipality, provider)

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            _read(client.get(url))
        return len(queries)

    few = count()
    for _ in range(6):
        person(district, municipality, provider)
    assert count() == few
    # session, memberships, export, the list's choices, rows and their five related records
    with django_assert_max_num_queries(20):
        _read(client.get(url))


# --- The export permission ----------------------------------------------------------------------


@pytest.mark.parametrize("name", EXPORTS)
def test_it_refuses_personal_data_without_the_export_permission(as_user, coordinator, people, name):
    response = as_user(coordinator, can_export=False).get(reverse(f"exports:{name}"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "eigene Berechtigung" in html
    assert "Haddad" not in html
    entry = AuditEntry.objects.filter(action__startswith="export.").get()
    assert entry.outcome == AuditOutcome.DENIED
    assert entry.action == f"export.{name.rsplit('_', 1)[0]}"


def test_it_lets_every_directory_role_export_offers(as_user, provider_staff, course):
    rows = _read(as_user(provider_staff, can_export=False).get(reverse("exports:offers_csv")))
    assert [row[0] for row in rows[1:]] == [course.title]


@pytest.mark.parametrize("role", ["state_analyst", "admin"])
def test_it_refuses_roles_without_the_list(client, role, db):
    user = member(Role(role))
    client.force_login(user)
    for name in (*EXPORTS, "offers_csv"):
        assert client.get(reverse(f"exports:{name}")).status_code == 403


def test_it_shows_export_buttons_only_with_the_permission(as_user, coordinator):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/faelle/?f=abc&page=2&sort=-name")
    request.user = coordinator
    request.membership = coordinator.memberships.get()
    request.memberships = [request.membership]
    html = render_to_string(
        "exports/includes/export_links.html", {"kind": "participants"}, request=request
    )
    assert html.strip() == ""
    request.membership.can_export = True
    html = render_to_string(
        "exports/includes/export_links.html", {"kind": "participants"}, request=request
    )
    assert 'href="/exporte/teilnehmende.xlsx?f=abc&amp;sort=-name"' in html
    assert 'href="/exporte/teilnehmende.csv?f=abc&amp;sort=-name"' in html


# --- Audit --------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_it_logs_every_export_without_personal_data(as_user, case_manager, people, fmt):
    client = as_user(case_manager)
    for participant in people:
        _store_name_keys(participant)
    response = _export(client, f"participants_{fmt}", reverse("cases:participant_list"), q="Haddad")
    _read(response)
    entry = AuditEntry.objects.get(action="export.participants")
    assert entry.outcome == AuditOutcome.OK
    assert entry.actor == case_manager and entry.actor_role == Role.CASE_MANAGER
    assert entry.district_id == case_manager.memberships.get().district_id
    assert entry.data == {"format": fmt, "rows": 1, "filters": ["q"]}
    assert "Haddad" not in str(entry.data)


def test_it_sends_an_expired_search_back_to_the_list(as_user, case_manager, people):
    response = as_user(case_manager).get(reverse("exports:participants_csv") + "?f=expired")
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:participant_list")
    assert not AuditEntry.objects.filter(action__startswith="export.").exists()


# --- Offers, referrals, tasks -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_it_exports_the_offer_directory_as_filtered(as_user, coordinator, district, course, fmt):
    OfferFactory(district=district, title="Schuldnerberatung", needs_covered=["debts"])
    OfferFactory(title="Kurs eines anderen Kreises")
    client = as_user(coordinator)
    rows = _read(_export(client, f"offers_{fmt}"))
    assert sorted(row[0] for row in rows[1:]) == [course.title, "Schuldnerberatung"]
    rows = _read(_export(client, f"offers_{fmt}", reverse("offers:offer_list"), need="debts"))
    assert [row[0] for row in rows[1:]] == ["Schuldnerberatung"]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_it_gives_provider_staff_only_their_referrals_with_course_fields(
    as_user, provider_staff, district, municipality, provider, people, course, fmt
):
    other = ProviderFactory(district=district)
    other_course = OfferFactory(district=district, provider=other, organiser="", title="Fremd")
    refer(people[0], course, note="Vertraulicher Vermerk")
    refer(people[1], course, state=ReferralState.ACCEPTED, accepted_on=timezone.localdate())
    refer(people[2], course)  # no consent to share with the provider
    refer(people[0], other_course)
    rows = _read(as_user(provider_staff).get(reverse(f"exports:referrals_{fmt}")))
    assert sorted((row[2], row[3]) for row in rows[1:]) == [
        ("Amal", "Haddad"),
        ("Bilal", "Yousef"),
    ]
    assert "Vertraulicher Vermerk" not in str(rows)
    assert DOCUMENT_NOTE not in str(rows)
    assert "Schulbildung" not in rows[0] and "Anschrift" not in rows[0]


def test_it_filters_referrals_as_the_inbox_does(as_user, coordinator, people, course):
    refer(people[0], course)
    refer(people[1], course, state=ReferralState.ACCEPTED, accepted_on=timezone.localdate())
    client = as_user(coordinator)
    rows = _read(
        _export(client, "referrals_csv", reverse("offers:inbox"), state=ReferralState.ACCEPTED)
    )
    assert [row[3] for row in rows[1:]] == ["Yousef"]


def test_it_exports_the_rows_of_the_task_list(as_user, case_manager, people, district):
    from durchstarten.cases.selectors import my_tasks

    task(case_manager, people[0], days=-2, title="überfällig")
    task(case_manager, people[1], days=5, title="bald")
    task(case_manager, people[1], days=40, title="später")
    task(member(Role.CASE_MANAGER, district), people[0], title="fremd")
    task(case_manager, None, district=district, title="ohne Person")
    rows = _read(as_user(case_manager).get(reverse("exports:tasks_xlsx")))
    listed = my_tasks(case_manager, district_id=district.pk)
    assert [row[1] for row in rows[1:]] == [t.title for t in listed["overdue"] + listed["upcoming"]]
    assert [row[1] for row in rows[1:]] == ["überfällig", "ohne Person", "bald"]
    assert rows[1][0].date() == timezone.localdate() - dt.timedelta(days=2)


def test_it_answers_post_with_405(as_user, coordinator):
    assert as_user(coordinator).post(reverse("exports:tasks_csv")).status_code == 405


def test_it_neutralises_formulas_in_exported_cells(as_user, case_manager, district, municipality):
    person(district, municipality, given_names='=HYPERLINK("x")', family_name="\u200b+Name")
    client = as_user(case_manager)
    rows = _read(client.get(reverse("exports:participants_csv")))
    assert rows[1][:2] == ['\'=HYPERLINK("x")', "'\u200b+Name"]
    rows = _read(client.get(reverse("exports:participants_xlsx")))
    assert rows[1][:2] == ['\'=HYPERLINK("x")', "'\u200b+Name"]


def test_it_keeps_other_municipalities_rows_for_district_staff(as_user, coordinator, district):
    elsewhere = MunicipalityFactory(district=district, name="Verl")
    person(district, elsewhere, given_names="Zahra", family_name="Rahimi")
    rows = _read(as_user(coordinator).get(reverse("exports:participants_csv")))
    assert _names(rows) == ["Zahra Rahimi"]
