"""Paging the case list: capped count, keyset (cursor) pages, constant query counts."""

import base64
import datetime as dt
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from durchstarten.cases import selectors
from durchstarten.cases.selectors import CaseFilters
from durchstarten.cases.services import tasks as task_services
from durchstarten.cases.services.participants import _store_name_keys
from durchstarten.core import lists
from tests.factories import ParticipantFactory, ResidenceStatusFactory

LIST = reverse("cases:participant_list")


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def _query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _people_with_ties(district, count=62):
    """Many people sharing a family name, some also the given name (ties broken by the pk),
    a few without a date of birth or last contact (they come last in both directions)."""
    people = []
    for n in range(count):
        people.append(
            ParticipantFactory(
                district=district,
                family_name=("Ahmadi", "Barzani", "Ahmadi", "")[n % 4],
                given_names=("Ali", "Sara", "Ali Reza")[n % 3],
                date_of_birth=None if n % 7 == 0 else dt.date(2000 + n % 5, 1 + n % 2, 1),
                last_contact_on=None if n % 5 == 0 else dt.date(2026, 1, 1 + n % 3),
            )
        )
    return people


def _walk(user, district, sort, query=""):
    """All pages from the first forwards, then from the last backwards, by their cursors."""
    filters = CaseFilters(sort=sort, query=query)
    page = selectors.case_page(user, district_id=district.pk, filters=filters)
    last = page.last_cursor
    forwards = [list(page)]
    while page.has_next:
        page = selectors.case_page(
            user, district_id=district.pk, filters=filters, cursor=page.next_cursor
        )
        forwards.append(list(page))
    page = selectors.case_page(user, district_id=district.pk, filters=filters, cursor=last)
    # Beyond the count cap the last page is the last 25 rows, its number unknown.
    assert page.number == (0 if page.count_capped else len(forwards))
    backwards = [list(page)]
    while page.has_previous:
        page = selectors.case_page(
            user, district_id=district.pk, filters=filters, cursor=page.previous_cursor
        )
        backwards.insert(0, list(page))
    return forwards, backwards


@pytest.mark.parametrize("sort", list(selectors.SORTS))
def test_it_pages_every_sort_without_gaps_or_repeats(case_manager, district, sort):
    _people_with_ties(district)
    expected = list(
        selectors.case_list(case_manager, district_id=district.pk, filters=CaseFilters(sort=sort))
    )
    forwards, backwards = _walk(case_manager, district, sort)
    assert [len(rows) for rows in forwards] == [25, 25, 12]
    assert [p.pk for rows in forwards for p in rows] == [p.pk for p in expected]
    assert backwards == forwards


@pytest.mark.parametrize("cap", [selectors.SEARCH_COUNT_CAP, 30])
def test_it_pages_search_results_in_order(case_manager, district, monkeypatch, cap):
    """Up to the cap the page is sorted from the matches' ids, beyond it by the search itself:
    both give the same rows in the same order."""
    monkeypatch.setattr(selectors, "SEARCH_COUNT_CAP", cap)
    for person in _people_with_ties(district, count=55):
        _store_name_keys(person)
    _store_name_keys(
        ParticipantFactory(district=district, given_names="Jonas", family_name="Meier")
    )
    filters = CaseFilters(query="Aly", sort="-name")
    expected = list(selectors.case_list(case_manager, district_id=district.pk, filters=filters))
    assert 25 < len(expected) < 55
    forwards, backwards = _walk(case_manager, district, "-name", query="Aly")
    assert [p.pk for rows in forwards for p in rows] == [p.pk for p in expected]
    if len(expected) <= cap:
        assert backwards == forwards
    else:
        assert backwards[-1] == expected[-25:]


def test_it_sorts_people_without_a_date_after_every_date(case_manager, district):
    people = _people_with_ties(district, count=10)
    unknown = {p.pk for p in people if p.date_of_birth is None}
    for sort, where in (("birth", slice(-len(unknown), None)), ("-birth", slice(len(unknown)))):
        filters = CaseFilters(sort=sort)
        rows = list(selectors.case_page(case_manager, district_id=district.pk, filters=filters))
        assert {p.pk for p in rows[where]} == unknown


def _links(body):
    found = re.findall(r'<a class="kern-link"\s+rel="(\w+)"\s+href="([^"]+)"', body)
    return {rel: LIST + unescape(href) for rel, href in found}


def test_it_follows_next_and_previous_links_keeping_the_sort(as_user, case_manager, district):
    _people_with_ties(district, count=30)
    client = as_user(case_manager)
    first = client.get(LIST, {"sort": "-created"})
    body = first.content.decode()
    assert 'aria-label="Seitennavigation"' in body
    assert "Seite 1 von 2" in body
    next_url = _links(body)["next"]
    assert "sort=-created" in next_url
    second = client.get(next_url)
    assert [p.pk for p in second.context["page_obj"]] == [
        p.pk
        for p in selectors.case_list(
            case_manager, district_id=district.pk, filters=CaseFilters(sort="-created")
        )[25:]
    ]
    assert "Seite 2 von 2" in second.content.decode()
    back = client.get(_links(second.content.decode())["prev"])
    assert list(back.context["page_obj"]) == list(first.context["page_obj"])


def test_it_keeps_names_and_birth_dates_out_of_the_cursor(as_user, case_manager, district):
    people = _people_with_ties(district, count=30)
    page = selectors.case_page(case_manager, district_id=district.pk, filters=CaseFilters())
    last = page.object_list[-1]
    token = page.next_cursor
    decoded = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
    assert str(last.public_id) in decoded
    for person in people:
        for value in (person.family_name, person.given_names, str(person.date_of_birth)):
            if value and value != "None":
                assert value not in decoded
                assert value not in token


def test_it_answers_a_foreign_or_broken_cursor_with_the_first_page(
    case_manager, district, other_district
):
    _people_with_ties(district, count=30)
    stranger = ParticipantFactory(district=other_district)
    first = selectors.case_page(case_manager, district_id=district.pk, filters=CaseFilters())
    foreign = lists._encode_cursor("a", 2, stranger.public_id)
    broken = ("kaputt", "!!", lists._encode_cursor("x", 1, "y"), lists._encode_cursor("a", 1, "y"))
    for cursor in (foreign, *broken):
        page = selectors.case_page(
            case_manager, district_id=district.pk, filters=CaseFilters(), cursor=cursor
        )
        assert list(page) == list(first)
        assert page.number == 1


def test_it_caps_the_count_and_says_more_than(as_user, case_manager, district, monkeypatch):
    monkeypatch.setattr(lists, "COUNT_CAP", 30)
    ParticipantFactory.create_batch(31, district=district)
    response = as_user(case_manager).get(LIST)
    body = response.content.decode()
    assert response.context["page_obj"].count_capped
    assert "Mehr als 30 Fälle gefunden." in body
    assert "Einträge 1–25 von mehr als 30" in body
    # Every row can still be reached: the next page and the last one come by keyset.
    second = as_user(case_manager).get(_links(body)["next"])
    assert len(second.context["page_obj"]) == 6


def test_it_counts_exactly_up_to_the_cap(as_user, case_manager, district, monkeypatch):
    monkeypatch.setattr(lists, "COUNT_CAP", 30)
    ParticipantFactory.create_batch(30, district=district)
    page = as_user(case_manager).get(LIST).context["page_obj"]
    assert (page.count, page.count_capped) == (30, False)


def _cases(district, case_manager, count):
    for person in ParticipantFactory.create_batch(
        count, district=district, case_manager=case_manager
    ):
        ResidenceStatusFactory(participant=person)


@pytest.mark.parametrize("sort", ["name", "-birth"])
def test_it_lists_5_or_40_cases_in_the_same_number_of_queries(
    as_user, case_manager, district, sort
):
    client = as_user(case_manager)
    _cases(district, case_manager, 5)
    few = _query_count(client, f"{LIST}?sort={sort}")
    _cases(district, case_manager, 35)
    many = _query_count(client, f"{LIST}?sort={sort}")
    assert few == many
    page = selectors.case_page(
        case_manager, district_id=district.pk, filters=CaseFilters(sort=sort)
    )
    # A page reached by cursor adds exactly one query: the values of the cursor's row.
    deep = _query_count(client, f"{LIST}?sort={sort}&cursor={page.next_cursor}")
    assert deep == many + 1


def test_it_lists_5_or_40_tasks_in_the_same_number_of_queries(as_user, case_manager, district):
    client = as_user(case_manager)
    url = reverse("cases:my_tasks")
    today = timezone.localdate()

    def add_tasks(count):
        for n, person in enumerate(ParticipantFactory.create_batch(count, district=district)):
            task_services.task_create(
                actor=case_manager,
                district=district,
                participant=person,
                title=f"Aufgabe {n}",
                due_date=today + dt.timedelta(days=n % 20 - 5),
            )

    add_tasks(5)
    few = _query_count(client, url)
    add_tasks(35)
    assert _query_count(client, url) == few
