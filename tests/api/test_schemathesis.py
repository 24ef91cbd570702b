"""Property-based run of the whole API against its own OpenAPI contract (schemathesis).

Every operation gets generated requests (valid and invalid) with a read-write token of a
coordinator whose district has data; no answer may be a 5xx or break the documented schema.
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from durchstarten.core.models import Role
from tests.api.conftest import token_for
from tests.factories import member

pytestmark = pytest.mark.django_db

# What the contract promises. Lenient reading of odd query strings (an unknown filter value
# answering 200) is allowed; business rules refusing generated data (422) are documented.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
APP = WSGIHandler()
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", APP)


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    # The WSGI handler closes the database connection around each request; the test's
    # transaction lives on that connection (Django's test client does the same).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def auth_header(district):
    return {"Authorization": f"Bearer {token_for(member(Role.COORDINATOR, district))}"}


@schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_it_keeps_its_contract(case, auth_header, settings):
    settings.DURCHSTARTEN_API_RATE = "100000/min"
    case.call_and_validate(app=APP, headers=auth_header, checks=CHECKS)
