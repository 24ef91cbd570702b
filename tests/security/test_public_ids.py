"""Records are named in URLs by opaque public ids, never by sequential primary keys.

A sequential id tells how many records exist and invites guessing the neighbours': every route
of the project is checked for integer path arguments, and an integer in place of a record's
public id must answer 404 even for the record's own case manager.
"""

import datetime as dt
import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, path, re_path, reverse
from django.urls.converters import IntConverter
from django.urls.resolvers import RoutePattern

from durchstarten.cases.choices import NeedCategory
from durchstarten.cases.models import Need
from durchstarten.cases.services import tasks as task_services
from tests.api.conftest import api_client
from tests.factories import ParticipantFactory

# Routes that may take an integer argument, with the reason. Only where the number names
# nothing of a case and is out of reach of everybody but administrators.
_OTP_ADMIN = "django-otp's admin pages of a TOTP device, for superusers only; no case data"
INTEGER_ARGUMENTS_ALLOWED = {
    "admin:otp_totp_totpdevice_config": _OTP_ADMIN,
    "admin:otp_totp_totpdevice_qrcode": _OTP_ADMIN,
}
ID_NAME = re.compile(r"^(pk|id|.+_id)$")
NAMED_GROUP = re.compile(r"\(\?P<(\w+)>")


def _group_bodies(regex: str):
    """(name, sub-pattern) of each named group of a regular expression."""
    for match in NAMED_GROUP.finditer(regex):
        depth, position = 1, match.end()
        while depth:
            char = regex[position]
            if char == "\\":
                position += 2
                continue
            depth += {"(": 1, ")": -1}.get(char, 0)
            position += 1
        yield match.group(1), regex[match.end() : position - 1]


def _integer_arguments(pattern) -> list[str]:
    if isinstance(pattern, RoutePattern):
        return [
            name
            for name, converter in pattern.converters.items()
            if isinstance(converter, IntConverter)
        ]
    return [
        name
        for name, body in _group_bodies(pattern.regex.pattern)
        if ID_NAME.match(name) and re.fullmatch(body, "12345")
    ]


def _routes(patterns, prefix="", namespace=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        found = _integer_arguments(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            for name, sub_route, sub_found in _routes(entry.url_patterns, route, inner):
                yield name, sub_route, found + sub_found
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name or ''}", route, found


def test_it_finds_an_integer_argument_where_there_is_one():
    view = lambda request: None  # noqa: E731
    assert _integer_arguments(path("x/<int:need_id>/", view).pattern) == ["need_id"]
    assert _integer_arguments(re_path(r"^x/(?P<pk>[0-9]+)/$", view).pattern) == ["pk"]
    assert _integer_arguments(re_path(r"^x/(?P<pk>[0-9a-f-]{36})/$", view).pattern) == []
    assert _integer_arguments(path("x/<uuid:need_id>/", view).pattern) == []


def test_it_names_no_record_by_an_integer_in_any_route():
    routes = list(_routes(get_resolver().url_patterns))
    assert len(routes) > 100  # the whole project was walked, API router included
    offending = [
        f"{name} ({route}): {', '.join(found)}"
        for name, route, found in routes
        if found and name not in INTEGER_ARGUMENTS_ALLOWED
    ]
    assert offending == []


@pytest.fixture
def need(district, case_manager, today):
    participant = ParticipantFactory(district=district, case_manager=case_manager)
    return Need.objects.create(
        participant=participant, category=NeedCategory.GERMAN, identified_on=today
    )


@pytest.fixture
def today():
    return dt.date(2026, 3, 2)


def test_it_answers_an_integer_in_place_of_a_public_id_with_404(client, case_manager, need):
    client.force_login(case_manager)
    participant = need.participant
    url = reverse("cases:need_edit", args=[participant.public_id, need.public_id])
    assert client.get(url).status_code == 200
    assert client.get(url.replace(str(need.public_id), str(need.pk))).status_code == 404


def test_it_answers_an_integer_id_in_the_api_with_404(case_manager, need, district, today):
    client = api_client(case_manager)
    participant = need.participant
    url = reverse("api:participant-need-detail", args=[participant.public_id, need.public_id])
    assert client.get(url).status_code == 200
    assert client.get(url.replace(str(need.public_id), str(need.pk))).status_code == 404
    assert client.get(url.replace(str(need.public_id), str(uuid.uuid4()))).status_code == 404
    task = task_services.task_create(
        actor=case_manager, district=district, title="Rückruf", due_date=today
    )
    done = reverse("api:task-complete", args=[task.public_id])
    assert client.post(done.replace(str(task.public_id), str(task.pk))).status_code == 404
    assert client.post(done).status_code == 200
