"""No write endpoint lets a client set what it must not: random extra fields (district,
provider, version, public ids, responsible staff, stage, roles, owners, is_staff …) with random
or dangerous values leave the database exactly as the same request without them does.

Each endpoint is called once with its plain body, and then, for every generated set of extra
fields, with the body plus the extras; both run in a transaction that is rolled back, and the
answer and the resulting rows (ids and timestamps aside) must be the same.
"""

# The fixtures come from tests/api/case_fixtures.py: pytest finds them through the import.
# ruff: noqa: F811

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.db import models, transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from durchstarten.api.base import etag_for
from durchstarten.cases import models as case_models
from durchstarten.cases.choices import ConsentPurpose, NeedCategory
from durchstarten.cases.services import consent as consent_services
from durchstarten.cases.services import plan as plan_services
from durchstarten.cases.services import tasks as task_services
from durchstarten.core.models import Membership, Role, User
from durchstarten.offers import models as offer_models
from durchstarten.offers.choices import OfferCategory
from tests.api.case_fixtures import (  # noqa: F401
    coaching_assignment,
    enrolled,
    participant,
    today,
)
from tests.api.conftest import api_client
from tests.factories import (
    DistrictFactory,
    OfferFactory,
    ParticipantFactory,
    ProviderFactory,
    member,
)

pytestmark = pytest.mark.django_db

EXTRA_NAMES = (
    "district",
    "district_id",
    "provider",
    "provider_id",
    "version",
    "public_id",
    "id",
    "pk",
    "participant",
    "case_manager",
    "coaching_provider",
    "coach",
    "stage",
    "state",
    "role",
    "owner",
    "author",
    "assignee",
    "recorded_by",
    "created_by",
    "is_staff",
    "is_superuser",
    "kind",
    "auto_key",
    "done_at",
    "restricted_at",
    "anonymised_at",
    "last_contact_on",
    "created_at",
)
SNAPSHOT_MODELS = (
    case_models.Participant,
    case_models.ResidenceStatus,
    case_models.Outreach,
    case_models.Consent,
    case_models.Enrollment,
    case_models.Need,
    case_models.CaseGoal,
    case_models.CaseStep,
    case_models.Contact,
    case_models.Task,
    offer_models.Offer,
    offer_models.Referral,
    Membership,
    User,
)
# Differ between two otherwise identical runs: generated ids and clock times.
VOLATILE = (models.AutoField, models.BigAutoField, models.UUIDField, models.DateTimeField)


def snapshot() -> dict:
    rows = {}
    for model in SNAPSHOT_MODELS:
        names = [
            f.attname
            for f in model._meta.concrete_fields
            if not isinstance(f, VOLATILE) and f.name != "password"
        ]
        rows[model.__name__] = sorted(
            (tuple(str(value) for value in row) for row in model.objects.values_list(*names)),
        )
    return rows


@dataclass
class Endpoint:
    name: str
    method: str
    url: str
    body: dict
    user: User
    intended: set = field(default_factory=set)
    if_match: str | None = None


def call(endpoint: Endpoint, body: dict):
    """Answer status and the rows afterwards, with everything rolled back."""
    cache.clear()
    client = api_client(endpoint.user)
    headers = {"HTTP_IF_MATCH": endpoint.if_match} if endpoint.if_match else {}
    with transaction.atomic():
        response = getattr(client, endpoint.method)(endpoint.url, body, format="json", **headers)
        rows = snapshot()
        transaction.set_rollback(True)
    return response.status_code, rows


def _nested(name, participant, **ids):
    return reverse(f"api:participant-{name}", kwargs={"participant": participant.public_id, **ids})


@pytest.fixture
def world(enrolled, case_manager, coordinator, coach, provider, district, today):
    """Every write endpoint with a body that succeeds, and values worth trying as extras."""
    other_district = DistrictFactory()
    stranger = member(Role.COORDINATOR, other_district)
    other_provider = ProviderFactory(district=district)
    newcomer = ParticipantFactory(district=district, municipality=enrolled.municipality)
    consent_services.consent_give(
        actor=case_manager,
        participant=newcomer,
        purpose=ConsentPurpose.CASE_WORK,
        given_on=today,
        form_language="de",
    )
    need = plan_services.need_record(
        actor=case_manager,
        participant=enrolled,
        category=NeedCategory.GERMAN,
        priority="high",
        identified_on=today,
    )
    goal = plan_services.goal_create(actor=case_manager, participant=enrolled, title="Ziel")
    step = plan_services.step_add(actor=case_manager, goal=goal, title="Schritt", owner="TN")
    task = task_services.task_create(
        actor=case_manager, district=district, title="Anrufen", due_date=today
    )
    enrollment = enrolled.enrollments.get()
    consent = enrolled.consents.filter(purpose=ConsentPurpose.CASE_WORK).get()
    offer = OfferFactory(district=district, start_date=today + dt.timedelta(days=30))
    day = str(today)
    endpoints = [
        Endpoint(
            "participant create",
            "post",
            reverse("api:participant-list"),
            {"given_names": "Amina", "family_name": "Yusuf"},
            coordinator,
            {"district", "given_names", "family_name"},
        ),
        Endpoint(
            "participant update",
            "patch",
            reverse("api:participant-detail", args=[enrolled.public_id]),
            {"phone": "0151 1"},
            case_manager,
            {"phone"},
            etag_for(enrolled),
        ),
        Endpoint(
            "residence status",
            "post",
            _nested("status-list", enrolled),
            {"kind": "gestattung", "valid_from": day},
            case_manager,
        ),
        Endpoint(
            "outreach",
            "post",
            _nested("outreach-list", enrolled),
            {"channel": "volunteer", "date": day, "result": "reached"},
            coach,
        ),
        Endpoint(
            "consent",
            "post",
            _nested("consent-list", newcomer),
            {"purpose": "contact_phone", "given_on": day, "form_language": "ar"},
            case_manager,
            {"provider"},
        ),
        Endpoint(
            "consent withdraw",
            "post",
            _nested("consent-withdraw", enrolled, consent_id=consent.public_id),
            {},
            case_manager,
        ),
        Endpoint(
            "enrollment enter",
            "post",
            _nested("enrollment-list", newcomer),
            {"entry_date": day, "case_manager": case_manager.username},
            case_manager,
            {"case_manager", "coaching_provider", "coach"},
        ),
        Endpoint(
            "enrollment reassign",
            "post",
            _nested("enrollment-reassign", enrolled, enrollment_id=enrollment.public_id),
            {"case_manager": coordinator.username},
            case_manager,
            {"case_manager", "coaching_provider", "coach"},
            etag_for(enrollment),
        ),
        Endpoint(
            "enrollment exit",
            "post",
            _nested("enrollment-exit", enrolled, enrollment_id=enrollment.public_id),
            {"exit_date": day, "exit_reason": "training"},
            case_manager,
            if_match=etag_for(enrollment),
        ),
        Endpoint(
            "need record",
            "post",
            _nested("need-list", enrolled),
            {"category": "job", "identified_on": day},
            coach,
        ),
        Endpoint(
            "need update",
            "patch",
            _nested("need-detail", enrolled, need_id=need.public_id),
            {"status": "met"},
            case_manager,
            if_match=etag_for(need),
        ),
        Endpoint(
            "goal create",
            "post",
            _nested("goal-list", enrolled),
            {"title": "Ausbildung"},
            case_manager,
        ),
        Endpoint(
            "goal status",
            "post",
            _nested("goal-status", enrolled, goal_id=goal.public_id),
            {"status": "achieved"},
            case_manager,
        ),
        Endpoint(
            "step add",
            "post",
            _nested("goal-steps", enrolled, goal_id=goal.public_id),
            {"title": "Bewerben", "owner": "TN"},
            case_manager,
            {"owner"},
        ),
        Endpoint(
            "step complete",
            "post",
            _nested("step-complete", enrolled, step_id=step.public_id),
            {},
            case_manager,
        ),
        Endpoint(
            "contact",
            "post",
            _nested("contact-list", enrolled),
            {"date": day, "duration_minutes": 20, "channel": "phone"},
            coach,
        ),
        Endpoint(
            "participant task",
            "post",
            _nested("task-list", enrolled),
            {"title": "Nachfragen", "due_date": day},
            coach,
            {"assignee"},
        ),
        Endpoint(
            "task",
            "post",
            reverse("api:task-list"),
            {"title": "Vorbereiten", "due_date": day},
            case_manager,
            {"district", "assignee"},
        ),
        Endpoint(
            "task complete",
            "post",
            reverse("api:task-complete", args=[task.public_id]),
            {},
            case_manager,
        ),
        # The other API area's writes on the same records.
        Endpoint(
            "offer create",
            "post",
            reverse("api:offer-list"),
            {
                "district": district.ags,
                "title": "Sprachcafé",
                "category": OfferCategory.INTEGRATION_COURSE,
                "organiser": "VHS",
                "start_date": day,
            },
            coordinator,
            {"district", "provider"},
        ),
        Endpoint(
            "offer update",
            "patch",
            reverse("api:offer-detail", args=[offer.public_id]),
            {"title": "Neuer Titel"},
            coordinator,
            {"provider"},
            etag_for(offer),
        ),
        Endpoint(
            "referral propose",
            "post",
            reverse("api:referral-list"),
            {"participant": str(enrolled.public_id), "offer": str(offer.public_id)},
            case_manager,
            {"participant"},
        ),
    ]
    dangerous = [
        other_district.ags,
        district.ags,
        str(other_provider.public_id),
        str(provider.public_id),
        str(enrolled.public_id),
        str(newcomer.public_id),
        stranger.username,
        coordinator.username,
        coach.username,
        "exited",
        "admin",
        "coordinator",
        "accepted",
        99,
        True,
    ]
    return endpoints, dangerous


def extras_for(endpoint: Endpoint, dangerous: list):
    names = [name for name in EXTRA_NAMES if name not in endpoint.intended]
    values = st.one_of(
        st.sampled_from(dangerous),
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**63), max_value=2**63),
        st.text(max_size=12),
        st.uuids().map(str),
        st.dates().map(str),
    )
    return st.dictionaries(st.sampled_from(names), values, min_size=1, max_size=6)


def check_endpoint(endpoint: Endpoint, dangerous: list) -> None:
    plain_status, plain_rows = call(endpoint, endpoint.body)
    assert plain_status in (200, 201), (endpoint.name, plain_status)

    @settings(
        max_examples=12,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(extras=extras_for(endpoint, dangerous))
    def check(extras):
        status, rows = call(endpoint, {**extras, **endpoint.body})
        assert status == plain_status, (endpoint.name, extras)
        assert rows == plain_rows, (endpoint.name, extras)

    check()


def test_it_ignores_extra_fields_on_every_write(world):
    endpoints, dangerous = world
    for endpoint in endpoints:
        check_endpoint(endpoint, dangerous)
