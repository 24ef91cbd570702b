"""No export or calendar feed of district A holds anything of district B.

Every text field of district B's participants, residence statuses, offers, referrals and
tasks carries a marker; staff of A (one of them also working in B, acting in A) fetch every
export they may and their calendar feeds.
"""

from django.test import Client
from django.urls import reverse

from durchstarten.core.middleware import SESSION_KEY
from durchstarten.core.models import Membership, Role
from durchstarten.exports.models import CalendarFeed, FeedDetail
from durchstarten.exports.services import token_hash
from durchstarten.offers.choices import ReferralState
from tests.exports.conftest import allow_export, person, refer, task
from tests.exports.leaks import export_urls, readable
from tests.factories import (
    MembershipFactory,
    MunicipalityFactory,
    OfferFactory,
    ProviderFactory,
    member,
)

MARKER = "LEAKMARKER"


def _district_b(district_b, staff_b):
    town = MunicipalityFactory(district=district_b, name=f"{MARKER} Gemeinde")
    provider = ProviderFactory(district=district_b, name=f"{MARKER} Träger")
    offer = OfferFactory(
        district=district_b,
        provider=provider,
        organiser=f"{MARKER} Anbieter",
        title=f"{MARKER} Kurs",
        description=f"{MARKER} Beschreibung",
        location=f"{MARKER} Ort",
    )
    for index in range(2):
        participant = person(
            district_b,
            town,
            provider,
            given_names=f"{MARKER}{index}",
            family_name=f"{MARKER} Familie",
            phone=f"{MARKER} Telefon",
            address=f"{MARKER} Anschrift",
        )
        participant.residence_statuses.update(document_note=f"{MARKER} Dokument")
        refer(participant, offer, state=ReferralState.ACCEPTED, note=f"{MARKER} Vermerk")
        task(staff_b, participant, title=f"{MARKER} Aufgabe")


def _feed(user, detail=FeedDetail.FULL_NAME) -> str:
    CalendarFeed.objects.create(
        user=user, token_hash=token_hash(f"feed-{user.pk}"), detail=detail, show_titles=True
    )
    return reverse("exports:calendar_feed", kwargs={"token": f"feed-{user.pk}"})


def test_district_a_exports_and_feeds_never_hold_district_b(
    district, other_district, municipality, provider, people, course
):
    staff_a = {
        "coordinator": member(Role.COORDINATOR, district),
        "case_manager": member(Role.CASE_MANAGER, district),
        "coach": member(Role.COACH, provider=provider),
        "provider_staff": member(Role.PROVIDER_STAFF, provider=provider),
        "state_analyst": member(Role.STATE_ANALYST),
        "admin": member(Role.ADMIN),
    }
    # Someone coordinating A who also coaches and manages cases in B, acting in A.
    both = staff_a["coordinator_also_in_b"] = member(Role.COORDINATOR, district)
    provider_b = ProviderFactory(district=other_district)
    MembershipFactory(user=both, role=Role.COACH, district=other_district, provider=provider_b)
    MembershipFactory(user=both, role=Role.CASE_MANAGER, district=other_district)
    _district_b(other_district, both)
    for user in staff_a.values():
        allow_export(user)
    refer(people[0], course, state=ReferralState.ACCEPTED)
    task(staff_a["case_manager"], people[0], title="Eigene Aufgabe")

    fetched, leaks = 0, []
    for name, user in staff_a.items():
        client = Client()
        client.force_login(user)
        role = "coordinator" if name == "coordinator_also_in_b" else name
        if name == "coordinator_also_in_b":
            session = client.session
            session[SESSION_KEY] = Membership.objects.get(user=user, district=district).pk
            session.save()
        for url in export_urls(role):
            response = client.get(url)
            assert response.status_code == 200, (name, url, response.status_code)
            fetched += 1
            if MARKER.lower() in readable(response).lower():
                leaks.append(f"{name}: {url}")
    # Calendar feeds are per person, not per role: the user working in both districts sees
    # B's events there, as in B's lists; every other user of A sees none.
    for name, user in staff_a.items():
        if name == "coordinator_also_in_b":
            continue
        response = Client().get(_feed(user))
        assert response.status_code == 200
        fetched += 1
        if MARKER.lower() in readable(response).lower():
            leaks.append(f"{name}: calendar feed")
    assert fetched == 38
    assert not leaks, leaks
    # The markers are found where they belong: the search would see a leak.
    assert MARKER.lower() in readable(Client().get(_feed(both))).lower()
    client = Client()
    client.force_login(both)
    session = client.session
    session[SESSION_KEY] = Membership.objects.get(user=both, role=Role.CASE_MANAGER).pk
    session.save()
    assert MARKER in readable(client.get(reverse("exports:participants_xlsx")))
