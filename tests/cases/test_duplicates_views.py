"""The "Mögliche Dubletten" pages: list, district-wide check, merge, "keine Dublette"."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from durchstarten.cases.models import DuplicateDismissal, DuplicateSuggestion, Participant
from durchstarten.cases.services import duplicates as duplicate_services
from durchstarten.cases.services import participants as participant_services
from durchstarten.cases.services.merge import participant_merge
from durchstarten.cases.views.duplicates import merged_participant_redirect
from durchstarten.core.models import Role
from tests.core.filtering import get_filtered
from tests.factories import member

LIST = reverse("cases:duplicate_list")


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def _create(actor, district, given, family, born=None):
    return participant_services.participant_create(
        actor=actor, district=district, given_names=given, family_name=family, date_of_birth=born
    )


FAMILIES = [
    "Rasuli",
    "Barzani",
    "Kebede",
    "Nurzai",
    "Warsame",
    "Jafari",
    "Karimi",
    "Sultani",
    "Nazari",
    "Ghebremedhin",
    "Tadesse",
    "Popal",
    "Wardak",
    "Yilmaz",
]


def _pairs(actor, district, count, *, start=0):
    """``count`` pairs of records of one person each, in different spellings."""
    people = []
    for number in range(start, start + count):
        born = dt.date(1998 + number % 8, 1 + number % 12, 2 + number % 27)
        family = FAMILIES[number]
        people.append(
            (
                _create(actor, district, "Mohammed", family, born),
                _create(actor, district, "Muhammad", family, dt.date(born.year, 1, 1)),
            )
        )
    duplicate_services.duplicate_suggestions_refresh(actor=actor, district=district)
    return people


def _merge_url(first, second):
    return reverse(
        "cases:duplicate_merge", kwargs={"public_id": first.public_id, "other_id": second.public_id}
    )


def _dismiss_url(first, second):
    return reverse(
        "cases:duplicate_dismiss",
        kwargs={"public_id": first.public_id, "other_id": second.public_id},
    )


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("role", ["coordinator", "case_manager"])
def test_it_lists_ranked_pairs_with_reasons_to_district_staff(request, as_user, role, district):
    user = request.getfixturevalue(role)
    _pairs(user, district, 1)
    exact = _create(user, district, "Ahmad", "Haidari", dt.date(2001, 2, 3))
    _create(user, district, "Haidari", "Ahmad", dt.date(2001, 2, 3))
    duplicate_services.duplicate_suggestions_refresh(actor=user, district=district)
    response = as_user(user).get(LIST)
    assert response.status_code == 200
    body = response.content.decode()
    assert "gleiches Geburtsjahr, Geburtsdatum 01.01. (Platzhalter)" in body
    assert "Vor- und Familienname vertauscht" in body
    # Most likely first: the swapped names with an equal birth date.
    assert body.index("Haidari") < body.index("Rasuli")
    assert str(exact.public_id) in body


@pytest.mark.parametrize("role", [Role.COACH, Role.PROVIDER_STAFF])
def test_it_forbids_the_pages_to_provider_roles(as_user, role, provider, case_manager, district):
    first, second = _pairs(case_manager, district, 1)[0]
    client = as_user(member(role, provider=provider))
    assert client.get(LIST).status_code == 403
    assert client.get(_merge_url(first, second)).status_code == 403
    assert client.post(_dismiss_url(first, second)).status_code == 403
    assert client.post(reverse("cases:duplicate_refresh")).status_code == 403


def test_it_answers_404_for_records_of_another_district(as_user, case_manager, district, outsider):
    first, second = _pairs(case_manager, district, 1)[0]
    client = as_user(outsider)
    assert client.get(_merge_url(first, second)).status_code == 404
    assert client.post(_dismiss_url(first, second)).status_code == 404
    assert "Rasuli" not in client.get(LIST).content.decode()
    elsewhere = _create(outsider, outsider.memberships.get().district, "Muhammad", "Rasuli")
    mixed = as_user(case_manager)
    assert mixed.get(_merge_url(first, elsewhere)).status_code == 404
    assert mixed.get(_merge_url(first, first)).status_code == 404


def test_it_shows_the_same_number_of_queries_for_a_longer_page(
    as_user, case_manager, district, django_assert_num_queries
):
    _pairs(case_manager, district, 2)
    client = as_user(case_manager)
    client.get(LIST)
    with django_assert_num_queries(10) as few:
        client.get(LIST)
    _pairs(case_manager, district, 12, start=2)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert len(response.context["page_obj"].object_list) == 14


def test_it_searches_and_filters_the_pairs(as_user, case_manager, district):
    _pairs(case_manager, district, 1)
    _create(case_manager, district, "Zainab", "Warsame", dt.date(2003, 6, 9))
    _create(case_manager, district, "Zeinab", "Warsami", None)
    duplicate_services.duplicate_suggestions_refresh(actor=case_manager, district=district)
    client = as_user(case_manager)
    found = get_filtered(client, LIST, q="Seinab")
    assert [pair.first.given_names for pair in found.context["page_obj"]] == ["Zainab"]
    high = get_filtered(client, LIST, min_score="0.8")
    assert [pair.first.family_name for pair in high.context["page_obj"]] == ["Rasuli"]


def test_it_checks_the_district_on_request(as_user, case_manager, district):
    _create(case_manager, district, "Yusuf", "Osman", dt.date(2002, 4, 4))
    _create(case_manager, district, "Jusuf", "Othman", dt.date(2002, 1, 1))
    response = as_user(case_manager).post(reverse("cases:duplicate_refresh"))
    assert response.status_code == 302
    assert _messages(response) == ["Die Prüfung ist abgeschlossen: 1 mögliche Dubletten gefunden."]
    assert DuplicateSuggestion.objects.filter(district=district).count() == 1


def test_it_shows_both_records_side_by_side_before_merging(as_user, case_manager, district):
    first, second = _pairs(case_manager, district, 1)[0]
    response = as_user(case_manager).get(_merge_url(first, second))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Mohammed" in body and "Muhammad" in body
    assert "gleiches Geburtsjahr, Geburtsdatum 01.01. (Platzhalter)" in body
    assert "Datensatz A behalten" in body
    assert Participant.objects.filter(pk=second.pk).exists()


def test_it_merges_into_the_chosen_record(as_user, case_manager, district):
    first, second = _pairs(case_manager, district, 1)[0]
    response = as_user(case_manager).post(
        _merge_url(first, second),
        {"keep": "second", "first_version": first.version, "second_version": second.version},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "cases:participant_detail", kwargs={"public_id": second.public_id}
    )
    assert not Participant.objects.filter(pk=first.pk).exists()
    assert not DuplicateSuggestion.objects.exists()


def test_it_refuses_to_merge_a_record_edited_meanwhile(as_user, case_manager, district):
    first, second = _pairs(case_manager, district, 1)[0]
    version = first.version
    participant_services.participant_update(
        actor=case_manager, participant=first, version=version, phone="0171"
    )
    response = as_user(case_manager).post(
        _merge_url(first, second),
        {"keep": "first", "first_version": version, "second_version": second.version},
    )
    assert response.status_code == 200
    assert "inzwischen von jemand anderem geändert" in response.content.decode()
    assert Participant.objects.filter(pk=second.pk).exists()


def test_it_dismisses_a_pair_for_good(as_user, case_manager, district):
    first, second = _pairs(case_manager, district, 1)[0]
    response = as_user(case_manager).post(_dismiss_url(second, first))
    assert response.status_code == 302
    assert _messages(response) == ["Das Paar wird nicht mehr als mögliche Dublette vorgeschlagen."]
    assert DuplicateDismissal.objects.filter(first=first, second=second).exists()
    duplicate_services.duplicate_suggestions_refresh(actor=case_manager, district=district)
    assert not DuplicateSuggestion.objects.exists()


def _request(user, district):
    request = RequestFactory().get("/")
    request.user = user
    request.membership = user.memberships.get(district=district)
    return request


def test_it_leads_an_old_link_to_the_kept_record(case_manager, district, outsider):
    first, second = _pairs(case_manager, district, 1)[0]
    participant_merge(actor=case_manager, keep=first, absorb=second)
    response = merged_participant_redirect(_request(case_manager, district), second.public_id)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "cases:participant_detail", kwargs={"public_id": first.public_id}
    )
    with pytest.raises(Http404):
        merged_participant_redirect(
            _request(outsider, outsider.memberships.get().district), second.public_id
        )
    with pytest.raises(Http404):
        merged_participant_redirect(_request(case_manager, district), first.public_id)
