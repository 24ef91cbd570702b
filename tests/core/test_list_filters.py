"""Search terms stay out of URLs: list filters go through list_filter and the session.

A name or a date of birth in a URL ends up in the browser history, the server's access log and
Referer headers. The filter bar posts to list_filter, which keeps the filters in the session
under a random token and redirects to the list with ``?f=<token>`` (core.lists).
"""

import datetime as dt
import re
from urllib.parse import unquote_plus, urlsplit

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from durchstarten.cases import selectors as case_selectors
from durchstarten.cases.selectors import CaseFilters
from durchstarten.cases.services import participants as participant_services
from durchstarten.cases.services.participants import _store_name_keys
from durchstarten.core import lists
from durchstarten.core.models import Role
from tests.core.filtering import filter_url
from tests.factories import OfferFactory, ParticipantFactory, member

NAME = "Mohammed"
EXPIRED = "Ihre Suche ist abgelaufen."
REFUSED = "Die Suche konnte nicht ausgeführt werden."
# Every attribute of a page that holds a URL the browser may request or show.
URL_ATTRIBUTE = re.compile(r'\b(?:href|action|src|hx-get|hx-post|hx-push-url)="([^"]*)"')


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def people(case_manager, district, municipality):
    def create(given, family, born):
        return participant_services.participant_create(
            actor=case_manager,
            district=district,
            given_names=given,
            family_name=family,
            date_of_birth=born,
            municipality=municipality,
        )

    return [
        create("Mohammed", "Rahimi", dt.date(2003, 4, 1)),
        create("Muhamad", "Karimi", dt.date(2001, 6, 2)),
        create("Petra", "Schmidt", dt.date(2004, 1, 3)),
    ]


def _case_list():
    return reverse("cases:participant_list")


def _body(response) -> str:
    return response.content.decode()


def _urls_in(body: str) -> list[str]:
    return [unquote_plus(url.replace("&amp;", "&")) for url in URL_ATTRIBUTE.findall(body)]


def _stored(client) -> dict:
    return client.session.get(lists.SESSION_KEY) or {}


# --- Searching --------------------------------------------------------------------------------


@pytest.mark.parametrize("term", [NAME, "01.04.2003", "Rahimi"])
def test_it_never_puts_a_search_term_into_any_url(as_user, case_manager, people, term):
    client = as_user(case_manager)
    response = client.post(
        reverse("list_filter"), {"next": _case_list(), "q": term, "sort": "-birth"}, follow=True
    )
    assert response.status_code == 200
    assert len(response.redirect_chain) == 1
    for location, status in response.redirect_chain:
        assert status == 302
        assert term not in unquote_plus(location)
        assert urlsplit(location).path == _case_list()
    final = response.wsgi_request.get_full_path()
    assert term not in unquote_plus(final)
    assert re.fullmatch(r"f=[\w-]{20,}&sort=-birth", response.wsgi_request.META["QUERY_STRING"])
    body = _body(response)
    assert "Rahimi" in body and "Schmidt" not in body
    # Links, the form, pagination and sort headers of the result page carry no term either.
    urls = _urls_in(body)
    assert any("f=" in url for url in urls)
    assert not [url for url in urls if term in url]


def test_it_finds_exactly_what_the_selector_finds(as_user, case_manager, district, people):
    client = as_user(case_manager)
    response = client.get(filter_url(client, _case_list(), q=NAME))
    listed = list(response.context["page_obj"])
    expected = case_selectors.case_list(
        case_manager,
        district_id=district.pk,
        filters=CaseFilters(
            query=NAME,
            stage="",
            target_group="",
            municipality_id=None,
            case_manager_id=None,
            open_needs=False,
            task_overdue=False,
            sort="name",
        ),
    )
    assert listed == list(expected)
    assert {p.family_name for p in listed} == {"Rahimi", "Karimi"}
    assert response.context["filters"]["q"].value() == NAME


def test_it_ignores_search_terms_in_the_url(as_user, case_manager, people):
    response = as_user(case_manager).get(_case_list(), {"q": "Schmidt", "stage": "contacted"})
    assert {p.family_name for p in response.context["page_obj"]} == {
        "Rahimi",
        "Karimi",
        "Schmidt",
    }
    assert 'value="Schmidt"' not in _body(response)


def test_it_posts_the_filter_bar_to_the_endpoint(as_user, case_manager, people):
    body = _body(as_user(case_manager).get(_case_list()))
    form = re.search(r"<form[^>]*ds-filter[^>]*>", body).group(0)
    assert 'method="post"' in form
    assert f'action="{reverse("list_filter")}"' in form
    assert f'hx-post="{reverse("list_filter")}"' in form
    assert "hx-get" not in form
    assert 'name="csrfmiddlewaretoken"' in body
    assert f'<input type="hidden" name="next" value="{_case_list()}">' in body


def test_it_keeps_the_get_form_for_lists_that_still_read_the_url(rf):
    class Plain(lists.SortedFilterForm):
        sort_fields = {"name": ()}

    body = render_to_string(
        "includes/filter_bar.html", {"filters": Plain({}), "label": "Filter"}, request=rf.get("/")
    )
    assert 'method="get"' in body
    assert "csrfmiddlewaretoken" not in body


# --- Paging and sorting -----------------------------------------------------------------------


def test_it_keeps_the_filters_when_paging_and_sorting(as_user, case_manager, district):
    for number in range(30):
        _store_name_keys(ParticipantFactory(district=district, family_name=f"Rahimi{number:02d}"))
    _store_name_keys(ParticipantFactory(district=district, family_name="Schmidt"))
    client = as_user(case_manager)
    searched = filter_url(client, _case_list(), q="Rahimi")
    token = urlsplit(searched).query
    first = client.get(searched)
    body = _body(first)
    # The filters travel as the token in the page and sort links.
    cursor = first.context["page_obj"].next_cursor
    assert f"?{token}&amp;cursor={cursor}" in body
    assert f"?{token}&amp;sort=-name" in body
    second = client.get(f"{searched}&cursor={cursor}")
    assert second.context["page_obj"].count == 30
    assert len(second.context["page_obj"].object_list) == 5
    descending = client.get(f"{searched}&sort=-name")
    names = [p.family_name for p in descending.context["page_obj"]]
    assert names[0] == "Rahimi29" and "Schmidt" not in names
    assert f"?{token}&amp;sort=name" in _body(descending)


def test_it_keeps_only_a_valid_sort(as_user, case_manager):
    client = as_user(case_manager)
    assert filter_url(client, _case_list(), q=NAME, sort="-birth").endswith("&sort=-birth")
    assert "sort" not in filter_url(client, _case_list(), q=NAME, sort="Mohammed")


# --- Tokens ----------------------------------------------------------------------------------


def test_it_keeps_tokens_per_session(as_user, case_manager, district, people):
    mine = filter_url(as_user(case_manager), _case_list(), q="Schmidt")
    colleague = Client()
    colleague.force_login(member(Role.CASE_MANAGER, district))
    response = colleague.get(mine)
    # Another session's token is unknown there: no filters, and the page says why.
    assert response.context["page_obj"].count == 3
    assert EXPIRED in _body(response)
    # The same user in a second browser (another session) cannot use it either.
    second_browser = Client()
    second_browser.force_login(case_manager)
    assert EXPIRED in _body(second_browser.get(mine))


def test_it_says_in_german_when_a_search_has_expired(as_user, case_manager, people):
    client = as_user(case_manager)
    response = client.get(_case_list() + "?f=unbekannt")
    assert response.status_code == 200
    assert response.context["page_obj"].count == 3
    assert EXPIRED in _body(response)
    # htmx replaces only the results: no message that would show up on a later page instead.
    response = client.get(_case_list() + "?f=unbekannt", headers={"HX-Request": "true"})
    assert EXPIRED not in _body(response)
    assert EXPIRED not in _body(client.get(_case_list()))


def test_it_keeps_at_most_twenty_searches_dropping_the_oldest(as_user, case_manager, people):
    client = as_user(case_manager)
    urls = [
        filter_url(client, _case_list(), q=f"Suche{n}") for n in range(lists.MAX_STORED_FILTERS + 1)
    ]
    assert len(_stored(client)) == lists.MAX_STORED_FILTERS
    assert EXPIRED in _body(client.get(urls[0]))
    newest = client.get(urls[-1])
    assert EXPIRED not in _body(newest)
    assert newest.context["filters"]["q"].value() == f"Suche{lists.MAX_STORED_FILTERS}"


def test_it_does_not_apply_a_token_to_another_list(as_user, coordinator, district):
    OfferFactory(district=district, title="Sprachcafé")
    client = as_user(coordinator)
    searched = filter_url(client, reverse("offers:offer_list"), q="Nichts dergleichen")
    token = urlsplit(searched).query
    response = client.get(f"{reverse('organisation:provider_list')}?{token}")
    assert EXPIRED in _body(response)
    assert response.context["filters"]["q"].value() in (None, "")


def test_it_stores_only_the_forms_fields_and_bounded(as_user, case_manager):
    client = as_user(case_manager)
    client.post(
        reverse("list_filter"),
        {
            "next": _case_list(),
            "q": "x" * 5000,
            "stage": ["contacted"] * 500,
            "fremd": "nicht gespeichert",
            "sort": "-birth",
        },
    )
    (entry,) = _stored(client).values()
    assert set(entry["data"]) == {"q", "stage"}
    assert entry["data"]["q"] == ["x" * lists.MAX_VALUE_LENGTH]
    assert len(entry["data"]["stage"]) == lists.MAX_VALUES_PER_FIELD


# --- The endpoint ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "",
        "https://evil.example/faelle/",
        "//evil.example/faelle/",
        "/\\evil.example/faelle/",
        "http://testserver/faelle/",
        "faelle/",
        "/faelle/?q=Mohammed",
        "/faelle/#x",
        "/gibt-es-nicht/",
        "/faelle/neu/",  # a form, not a list
        "/angebote/export.csv",  # reads the list's filters, but is no list
        "/",
    ],
)
def test_it_refuses_a_next_that_is_no_list_of_this_site(as_user, case_manager, target):
    client = as_user(case_manager)
    response = client.post(reverse("list_filter"), {"next": target, "q": NAME})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert _stored(client) == {}
    assert REFUSED in _body(client.get(reverse("home")))


def test_it_accepts_every_filtered_list(as_user, coordinator):
    client = as_user(coordinator)
    for name in (
        "cases:participant_list",
        "offers:offer_list",
        "offers:inbox",
        "organisation:provider_list",
        "organisation:assignment_list",
        "organisation:position_list",
    ):
        assert filter_url(client, reverse(name))


def test_it_takes_only_posts(as_user, case_manager):
    client = as_user(case_manager)
    assert client.get(reverse("list_filter"), {"next": _case_list()}).status_code == 405


def test_it_sends_signed_out_users_to_the_login(client):
    response = client.post(reverse("list_filter"), {"next": _case_list(), "q": NAME})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert NAME not in response["Location"]


def test_it_enforces_csrf(case_manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(case_manager)
    data = {"next": _case_list(), "q": NAME}
    assert client.post(reverse("list_filter"), data).status_code == 403
    client.get(_case_list())  # the filter bar sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = client.post(reverse("list_filter"), {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == _case_list()


# --- htmx ------------------------------------------------------------------------------------


def test_it_answers_a_live_search_with_the_results_and_a_history_restore_with_the_page(
    as_user, case_manager, people
):
    client = as_user(case_manager)
    response = client.post(
        reverse("list_filter"),
        {"next": _case_list(), "q": NAME},
        headers={"HX-Request": "true"},
        follow=True,
    )
    body = _body(response)
    assert "<html" not in body and "Rahimi" in body and "Schmidt" not in body
    assert 'hx-swap-oob="innerHTML:#result-count"' in body
    restored = client.get(
        response.wsgi_request.get_full_path(),
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    body = _body(restored)
    assert "<html" in body and "Rahimi" in body and "Schmidt" not in body
    assert "hx-swap-oob" not in body
