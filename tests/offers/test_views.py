"""The offers pages: directory, participant section, provider inbox and gap analysis."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from durchstarten.cases.choices import ConsentPurpose
from durchstarten.cases.models import Consent
from durchstarten.cases.services import consent as consent_services
from durchstarten.cases.services import plan as plan_services
from durchstarten.core.models import Role
from durchstarten.offers import services
from durchstarten.offers.choices import OfferCategory, OfferKind, ReferralState
from durchstarten.offers.models import Offer, Outcome, Referral
from tests.core.filtering import filter_url
from tests.factories import (
    ConsentFactory,
    OfferFactory,
    ParticipantFactory,
    ProviderFactory,
    member,
)

HTMX = {"HTTP_HX_REQUEST": "true"}
ADDRESS = "Geheimweg 7, 33428 Harsewinkel"
NEED_TEXT = "Traumatische Fluchterfahrung, dringend"


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def open_course(district, provider, municipality):
    """A course of `provider` without a limit of places (for many referrals)."""
    return OfferFactory(
        district=district,
        provider=provider,
        organiser="",
        title="Sprachcafé Harsewinkel",
        capacity=None,
        needs_covered=["german"],
        municipalities=[municipality],
    )


@pytest.fixture
def referral(enrolled, case_manager, course):
    return services.referral_propose(actor=case_manager, participant=enrolled, offer=course)


def _get(client, url, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _section_url(participant):
    return reverse("offers:participant_section", kwargs={"public_id": participant.public_id})


def _refer(case_manager, participant, offer, provider):
    ConsentFactory(participant=participant, purpose=ConsentPurpose.CASE_WORK)
    ConsentFactory(
        participant=participant, purpose=ConsentPurpose.PROVIDER_SHARING, provider=provider
    )
    return services.referral_propose(actor=case_manager, participant=participant, offer=offer)


# --- Directory ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "case_manager", "coach", "provider_staff"])
def test_it_shows_the_directory_to_every_district_role(request, as_user, role, course):
    html = _get(as_user(request.getfixturevalue(role)), reverse("offers:offer_list"))
    assert course.title in html
    assert "0 von 2" not in html and "2 von 2" in html


def test_it_filters_the_directory(as_user, coordinator, district, course, open_course):
    OfferFactory(district=district, title="Schuldnerberatung", needs_covered=["debts"])
    client = as_user(coordinator)
    url = reverse("offers:offer_list")
    html = _get(client, filter_url(client, url, need="debts"))
    assert "Schuldnerberatung" in html and course.title not in html
    html = _get(client, filter_url(client, url, q="Sprachcaf"))
    assert open_course.title in html and course.title not in html
    assert "unbegrenzt" in html


def test_it_exports_the_directory_as_filtered(as_user, coordinator, course, open_course):
    client = as_user(coordinator)
    searched = filter_url(client, reverse("offers:offer_list"), q="Sprachcaf", sort="-title")
    html = _get(client, searched)
    token = searched.partition("?")[2]
    # The export link carries the token and the sort, not the search term.
    export_link = f"{reverse('offers:offer_export')}?{token}".replace("&", "&amp;")
    assert f'href="{export_link}"' in html and "Sprachcaf" not in export_link
    response = client.get(reverse("offers:offer_export") + "?" + token)
    titles = [
        row[0]
        for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    ]
    assert titles[1:] == [open_course.title]


def test_it_hides_full_offers_when_asked(as_user, coordinator, course, open_course, enrolled):
    course.capacity = 0
    course.save(update_fields=["capacity"])
    client = as_user(coordinator)
    html = _get(client, filter_url(client, reverse("offers:offer_list"), free_only=True))
    assert open_course.title in html and course.title not in html


def test_it_shows_an_offer_with_its_rules_in_words(as_user, provider_staff, course, referral):
    course.min_age, course.max_age, course.min_german_level = 18, 27, "A2"
    course.save(update_fields=["min_age", "max_age", "min_german_level"])
    html = _get(as_user(provider_staff), reverse("offers:offer_detail", args=[course.public_id]))
    assert "Alter: 18 bis 27 Jahre" in html
    assert "Deutschkenntnisse mindestens A2" in html
    assert referral.participant.family_name not in html


def test_it_lets_the_coordinator_create_an_offer(as_user, coordinator, municipality):
    response = as_user(coordinator).post(
        reverse("offers:offer_create"),
        {
            "title": "Berufssprachkurs B2",
            "category": OfferCategory.JOB_LANGUAGE_COURSE,
            "organiser": "VHS Gütersloh",
            "municipalities": [str(municipality.public_id)],
            "start_date": "2027-01-10",
            "capacity": "12",
            "languages": ["ar", "fa"],
            "needs_covered": ["german"],
            "min_german_level": "B1",
            "is_active": "on",
        },
    )
    offer = Offer.objects.get(title="Berufssprachkurs B2")
    assert response.status_code == 302
    assert offer.kind == OfferKind.REGULAR and offer.capacity == 12
    assert list(offer.municipalities.all()) == [municipality]


def test_it_shows_service_errors_in_german_on_the_form(as_user, coordinator):
    html = (
        as_user(coordinator)
        .post(
            reverse("offers:offer_create"),
            {
                "title": "Kurs",
                "category": OfferCategory.PREPARATION_COURSE,
                "organiser": "VHS",
                "start_date": "2027-02-01",
                "end_date": "2027-01-01",
            },
        )
        .content.decode()
    )
    assert "Das Ende darf nicht vor dem Beginn liegen." in html
    assert "Förderbaustein 1–5" in html
    assert not Offer.objects.exists()


def test_it_lets_provider_staff_edit_only_their_providers_offers(
    as_user, provider_staff, course, district
):
    client = as_user(provider_staff)
    data = {
        "title": "Neuer Titel",
        "category": course.category,
        "module": "4",
        "provider": str(course.provider.public_id),
        "capacity": "3",
        "is_active": "on",
        "version": course.version,
    }
    response = client.post(reverse("offers:offer_edit", args=[course.public_id]), data)
    assert response.status_code == 302
    course.refresh_from_db()
    assert (course.title, course.capacity) == ("Neuer Titel", 3)
    other = OfferFactory(district=district, provider=ProviderFactory(district=district))
    assert client.get(reverse("offers:offer_edit", args=[other.public_id])).status_code == 403
    assert client.get(reverse("offers:offer_create")).status_code == 200


def test_it_refuses_editing_to_case_managers(as_user, case_manager, course):
    client = as_user(case_manager)
    assert client.get(reverse("offers:offer_edit", args=[course.public_id])).status_code == 403
    assert client.get(reverse("offers:offer_create")).status_code == 403


def test_it_exports_the_directory_without_formulas(as_user, coordinator, district):
    OfferFactory(district=district, title="=1+1")
    OfferFactory(district=district, title="\t=cmd", organiser="@SUM(A1)")
    response = as_user(coordinator).get(reverse("offers:offer_export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    cells = {cell for row in rows[1:] for cell in row}
    assert "'=1+1" in cells and "'\t=cmd" in cells and "'@SUM(A1)" in cells
    assert not [cell for cell in cells if cell and cell[0] in "=+-@\t\r|"]


def test_it_keeps_the_directory_queries_constant(as_user, coordinator, district, municipality):
    client = as_user(coordinator)
    OfferFactory(district=district, municipalities=[municipality], needs_covered=["german"])
    client.get(reverse("offers:offer_list"))  # warm up the session and the access cache
    one = _queries(client, reverse("offers:offer_list"))
    for _ in range(9):
        OfferFactory(district=district, municipalities=[municipality], needs_covered=["job"])
    assert _queries(client, reverse("offers:offer_list")) == one


# --- Participant section --------------------------------------------------------------------


def test_it_shows_suggestions_with_reasons_and_excluded_offers(
    as_user, case_manager, enrolled, course, district
):
    plan_services.need_record(
        actor=case_manager,
        participant=enrolled,
        category="german",
        priority="high",
        identified_on=dt.date(2026, 3, 1),
    )
    OfferFactory(district=district, title="Kurs für Ältere", min_age=30)
    html = _get(
        as_user(case_manager),
        reverse("cases:participant_detail", args=[enrolled.public_id]),
    )
    assert "Angebote und Vermittlungen" in html
    assert "deckt den Bedarf „Deutsch“" in html
    assert "Nicht passende Angebote (1)" in html
    assert "Mindestalter 30" in html
    assert "Vorschlagen" in html


def test_it_shows_the_best_suggestions_and_all_of_them_on_request(
    as_user, case_manager, enrolled, district
):
    for n in range(12):
        OfferFactory(district=district, title=f"Passt {n:02}")
    for n in range(22):
        OfferFactory(district=district, title=f"Zu alt {n:02}", min_age=40)
    client = as_user(case_manager)
    page = reverse("cases:participant_detail", args=[enrolled.public_id])

    html = _get(client, page)
    assert html.count('class="ds-suggestion"') == 10
    assert "Gezeigt werden die 10 am besten passenden von 12 Angeboten." in html
    assert "Nicht passende Angebote (22)" in html
    assert "Gezeigt werden 20 von 22 nicht passenden Angeboten." in html
    assert "?vorschlaege=alle#vorschlaege-heading" in html

    html = _get(client, page, data={"vorschlaege": "alle"})
    assert html.count('class="ds-suggestion"') == 12
    assert html.count("Zu alt ") == 22
    assert "Gezeigt werden" not in html
    assert "Alle passenden und nicht passenden Angebote anzeigen" not in html


def test_it_proposes_a_referral_from_the_section(as_user, case_manager, enrolled, course):
    response = as_user(case_manager).post(
        reverse("offers:propose", args=[enrolled.public_id, course.public_id]), **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "wurde vorgeschlagen" in html and 'id="vermittlungen"' in html
    assert Referral.objects.get().state == ReferralState.PROPOSED


def test_it_explains_a_missing_provider_consent_in_german(as_user, case_manager, enrolled, course):
    consent = Consent.objects.get(participant=enrolled, purpose=ConsentPurpose.PROVIDER_SHARING)
    consent_services.consent_withdraw(actor=case_manager, consent=consent)
    client = as_user(case_manager)
    url = reverse("offers:propose", args=[enrolled.public_id, course.public_id])
    html = client.post(url, **HTMX).content.decode()
    assert "Die Person hat nicht eingewilligt, dass ihre Daten an" in html
    response = client.post(url, follow=True)
    assert "Die Person hat nicht eingewilligt" in response.content.decode()
    assert not Referral.objects.exists()


def test_it_moves_a_referral_on_from_the_section(
    as_user, case_manager, provider_staff, enrolled, referral
):
    services.referral_transition(
        actor=provider_staff, referral=referral, version=referral.version, to_state="accepted"
    )
    client = as_user(case_manager)
    url = reverse("offers:participant_transition", args=[enrolled.public_id, referral.public_id])
    html = client.post(url, {"action": "abort", "version": 2, "reason": " "}, **HTMX)
    assert "Bitte nennen Sie den Abbruchgrund." in html.content.decode()
    client.post(url, {"action": "start", "version": 2}, **HTMX)
    referral.refresh_from_db()
    assert referral.state == ReferralState.STARTED


def test_it_leaves_accepting_to_the_provider(as_user, case_manager, enrolled, referral):
    html = _get(as_user(case_manager), _section_url(enrolled), **HTMX)
    assert "Platz zusagen" not in html and "Person hat abgesagt" in html


def test_it_records_an_outcome(as_user, case_manager, enrolled, referral):
    client = as_user(case_manager)
    url = reverse("offers:outcome_create", args=[enrolled.public_id])
    html = client.post(
        url, {"outcome-kind": "language_exam", "outcome-start_date": "2026-06-01"}, **HTMX
    ).content.decode()
    assert "Bitte geben Sie das Sprachniveau an." in html
    client.post(
        url,
        {
            "outcome-kind": "language_exam",
            "outcome-start_date": "2026-06-01",
            "outcome-language_level": "B1",
            "outcome-referral": referral.public_id,
        },
        **HTMX,
    )
    outcome = Outcome.objects.get()
    assert (outcome.language_level, outcome.referral) == ("B1", referral)


def test_it_keeps_the_suggestion_queries_constant(as_user, case_manager, enrolled, district):
    client = as_user(case_manager)
    OfferFactory(district=district, needs_covered=["german"])
    client.get(_section_url(enrolled), **HTMX)
    with CaptureQueriesContext(connection) as queries:
        client.get(_section_url(enrolled), **HTMX)
    one = len(queries)
    for n in range(19):
        OfferFactory(district=district, min_age=40 if n % 2 else None)
    with CaptureQueriesContext(connection) as queries:
        client.get(_section_url(enrolled), **HTMX)
    assert len(queries) == one


# --- Provider inbox -------------------------------------------------------------------------


def test_it_shows_provider_staff_only_the_fields_a_course_needs(
    as_user, case_manager, provider_staff, enrolled, referral
):
    enrolled.address, enrolled.phone, enrolled.interpreter_needed = ADDRESS, "0170 1234567", True
    enrolled.save(update_fields=["address", "phone", "interpreter_needed"])
    plan_services.need_record(
        actor=case_manager,
        participant=enrolled,
        category="psychosocial",
        priority="high",
        identified_on=dt.date(2026, 3, 1),
        description=NEED_TEXT,
    )
    html = _get(as_user(provider_staff), reverse("offers:inbox"))
    assert enrolled.full_name in html and "01.04.2003" in html
    assert "0170 1234567" in html and "Dolmetschung nötig" in html
    assert ADDRESS not in html and NEED_TEXT not in html
    assert "psychosoziale" not in html
    assert reverse("cases:participant_detail", args=[enrolled.public_id]) not in html


def test_it_hides_other_providers_referrals(as_user, district, enrolled, referral):
    stranger = member(Role.PROVIDER_STAFF, provider=ProviderFactory(district=district))
    html = _get(as_user(stranger), reverse("offers:inbox"))
    assert enrolled.full_name not in html
    url = reverse("offers:inbox_transition", args=[referral.public_id])
    assert as_user(stranger).post(url, {"action": "accept", "version": 1}).status_code == 404


def test_it_drops_a_referral_from_the_inbox_when_consent_is_withdrawn(
    as_user, case_manager, provider_staff, enrolled, referral
):
    client = as_user(provider_staff)
    assert enrolled.full_name in _get(client, reverse("offers:inbox"))
    consent = Consent.objects.get(participant=enrolled, purpose=ConsentPurpose.PROVIDER_SHARING)
    consent_services.consent_withdraw(actor=case_manager, consent=consent)
    assert enrolled.full_name not in _get(client, reverse("offers:inbox"))
    url = reverse("offers:inbox_transition", args=[referral.public_id])
    assert client.post(url, {"action": "accept", "version": 1}).status_code == 404
    assert Referral.objects.get().state == ReferralState.PROPOSED


def test_it_lets_the_provider_accept_and_start(as_user, provider_staff, referral):
    client = as_user(provider_staff)
    url = reverse("offers:inbox_transition", args=[referral.public_id])
    client.post(url, {"action": "accept", "version": 1})
    response = client.post(url, {"action": "start", "version": 2}, follow=True)
    assert "begonnen" in response.content.decode()
    referral.refresh_from_db()
    assert referral.state == ReferralState.STARTED


def test_it_explains_a_full_offer_and_offers_the_waiting_list(
    as_user, case_manager, provider_staff, district, provider, municipality, enrolled, course
):
    course.capacity = 1
    course.save(update_fields=["capacity"])
    first = _refer(case_manager, ParticipantFactory(district=district), course, provider)
    services.referral_transition(
        actor=provider_staff, referral=first, version=first.version, to_state="accepted"
    )
    second = services.referral_propose(actor=case_manager, participant=enrolled, offer=course)
    client = as_user(provider_staff)
    response = client.post(
        reverse("offers:inbox_transition", args=[second.public_id]),
        {"action": "accept", "version": second.version},
        follow=True,
    )
    html = response.content.decode()
    assert "Das Angebot ist ausgebucht. Setzen Sie die Person auf die Warteliste." in html
    assert "Auf die Warteliste setzen" in html
    second.refresh_from_db()
    assert second.state == ReferralState.PROPOSED


def test_it_keeps_the_inbox_queries_constant(
    as_user, case_manager, provider_staff, district, provider, open_course
):
    client = as_user(provider_staff)
    _refer(case_manager, ParticipantFactory(district=district), open_course, provider)
    client.get(reverse("offers:inbox"))
    one = _queries(client, reverse("offers:inbox"))
    for _ in range(9):
        _refer(case_manager, ParticipantFactory(district=district), open_course, provider)
    assert _queries(client, reverse("offers:inbox")) == one


def test_it_lets_coordinators_open_the_inbox(as_user, coordinator, enrolled, referral):
    html = _get(as_user(coordinator), reverse("offers:inbox"))
    assert reverse("cases:participant_detail", args=[enrolled.public_id]) in html


def test_it_filters_the_inbox_by_an_offer_linked_from_its_page(
    as_user, case_manager, coordinator, district, provider, enrolled, referral, open_course
):
    other = ParticipantFactory(district=district, family_name="Zweitperson")
    _refer(case_manager, other, open_course, provider)
    client = as_user(coordinator)
    detail = _get(client, reverse("offers:offer_detail", args=[open_course.public_id]))
    link = f"{reverse('offers:inbox')}?offer={open_course.public_id}"
    assert link in detail
    # The offer is no personal data: it may come from the URL (url_fields).
    html = _get(client, link)
    assert "Zweitperson" in html and enrolled.full_name not in html
    html = _get(client, filter_url(client, reverse("offers:inbox"), state="proposed"))
    assert "Zweitperson" in html and enrolled.full_name in html


def test_it_refuses_the_inbox_to_case_managers(as_user, case_manager):
    assert as_user(case_manager).get(reverse("offers:inbox")).status_code == 403


# --- Gap analysis ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["coordinator", "case_manager"])
def test_it_shows_gaps_as_table_and_chart(request, as_user, role, case_manager, enrolled):
    plan_services.need_record(
        actor=case_manager,
        participant=enrolled,
        category="debts",
        priority="high",
        identified_on=dt.date(2026, 3, 1),
    )
    html = _get(as_user(request.getfixturevalue(role)), reverse("offers:gaps"))
    assert "<svg" in html and "<title" in html and "<desc" in html
    assert "1 – Lücke" in html
    assert "Harsewinkel: Schulden" in html


def test_it_refuses_gaps_to_provider_staff(as_user, provider_staff):
    assert as_user(provider_staff).get(reverse("offers:gaps")).status_code == 403


def test_it_exports_gaps_as_csv(as_user, coordinator, case_manager, enrolled):
    plan_services.need_record(
        actor=case_manager,
        participant=enrolled,
        category="debts",
        priority="high",
        identified_on=dt.date(2026, 3, 1),
    )
    response = as_user(coordinator).get(reverse("offers:gaps_export"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert ["Harsewinkel", "Schulden", "1", "0", "0", "1"] in rows


# --- Other districts ------------------------------------------------------------------------


def test_it_answers_404_to_other_districts_on_every_object_url(
    as_user, outsider, enrolled, course, referral
):
    client = as_user(outsider)
    p = enrolled.public_id
    for method, url in [
        ("get", reverse("offers:offer_detail", args=[course.public_id])),
        ("get", reverse("offers:offer_edit", args=[course.public_id])),
        ("post", reverse("offers:inbox_transition", args=[referral.public_id])),
        ("get", _section_url(enrolled)),
        ("post", reverse("offers:propose", args=[p, course.public_id])),
        ("post", reverse("offers:participant_transition", args=[p, referral.public_id])),
        ("get", reverse("offers:outcome_create", args=[p])),
    ]:
        response = getattr(client, method)(url, {"action": "accept", "version": 1})
        assert response.status_code == 404, url
    assert course.title not in _get(client, reverse("offers:offer_list"))


def test_it_keeps_provider_staff_out_of_the_participant_section(
    as_user, provider_staff, enrolled, course
):
    client = as_user(provider_staff)
    assert client.get(_section_url(enrolled)).status_code == 404
    url = reverse("offers:propose", args=[enrolled.public_id, course.public_id])
    assert client.post(url).status_code == 404
