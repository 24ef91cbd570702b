"""No form write can set tenancy, role, ownership, version or identity (mass assignment), and
coaches and provider staff see only the fields their role needs (field-level access)."""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from durchstarten.cases.models import Contact, Need
from durchstarten.core.middleware import SESSION_KEY
from durchstarten.core.models import Membership, Role
from tests.factories import member
from tests.security.hardening_forms import PROTECTED, SCENARIOS, form_of, protected_state

EXAMPLES = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def foreign_values(world) -> st.SearchStrategy:
    """Values an attacker would inject: another tenant's ids, high roles, odd numbers."""
    b = world.b
    ids = [
        b.district.pk,
        str(b.district.public_id),
        b.objects[("provider", 1)].pk,
        str(b.objects[("provider", 1)].public_id),
        b.users["coordinator"].pk,
        str(b.objects[("participant", 1)].public_id),
    ]
    return st.one_of(
        st.sampled_from(ids),
        st.sampled_from(["admin", "coordinator", "state_analyst", "true", "on", "1"]),
        st.integers(min_value=10**6, max_value=2**31 - 1),
        st.integers(max_value=-1, min_value=-(2**31)),
        st.uuids().map(str),
    )


def extras(world) -> st.SearchStrategy:
    return st.dictionaries(st.sampled_from(PROTECTED), foreign_values(world), min_size=1)


def foreign_ids(world) -> dict[str, set]:
    """Per protected column, the values of another tenant a new row must never carry."""
    b = world.b
    users = {user.pk for user in b.users.values()}
    return {
        "district_id": {b.district.pk},
        "provider_id": {b.objects[("provider", 1)].pk, b.objects[("provider", 2)].pk},
        "owner_id": users,
        "case_manager_id": users,
        "created_by_id": users,
    }


def changes(before: dict, after: dict, injected: dict, foreign: dict) -> list[str]:
    """Protected columns of existing rows changed other than by a legitimate save, and new
    rows that took another tenant's ids or an injected identity, version or privilege."""
    found = []
    for label, (columns, rows) in after.items():
        old_rows = before[label][1]
        for pk, values in rows.items():
            old = old_rows.get(pk)
            for index, (column, value) in enumerate(zip(columns, values, strict=True)):
                where = f"{label} {pk}.{column}"
                if old is not None:
                    previous = old[index]
                    # A successful edit moves the version on by one, nothing else.
                    if value != previous and not (column == "version" and value == previous + 1):
                        found.append(f"{where}: {previous!r} -> {value!r}")
                    continue
                if value in foreign.get(column, ()):
                    found.append(f"{where}: new row with another tenant's {value!r}")
                if column == "public_id" and str(value) == str(injected.get("public_id")):
                    found.append(f"{where}: new row took the injected public id")
                if column == "version" and value != 1:
                    found.append(f"{where}: new row starts at version {value!r}")
                if column in {"is_staff", "is_superuser"} and value:
                    found.append(f"{where}: new user with {column}")
    return found


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[f"{s.name}-{s.role}" for s in SCENARIOS])
def test_it_ignores_protected_fields_posted_to_a_form(scenario, world, clients):
    client = clients[scenario.role]
    form = form_of(world, client, scenario)
    foreign = foreign_ids(world)
    foreign_memberships = set(
        Membership.objects.filter(district=world.b.district).values_list("pk", flat=True)
    )

    @EXAMPLES
    @given(injected=extras(world))
    def attack(injected):
        with transaction.atomic():
            before = protected_state()
            data = {**form.data, **{k: [str(v)] for k, v in injected.items()}}
            if scenario.name == "switch_membership":
                data["membership"] = [str(min(foreign_memberships))]
            response = client.post(form.url, data)
            after = protected_state()
            session_membership = client.session.get(SESSION_KEY)
            transaction.set_rollback(True)
        assert response.status_code in {200, 302}, response.status_code
        problems = changes(before, after, injected, foreign)
        assert not problems, "\n".join(problems)
        assert session_membership not in foreign_memberships

    attack()


def test_the_forms_accept_the_posted_data(world, clients):
    """The attack posts forms that succeed, so a refused form does not hide a hole."""
    accepted = set()
    for scenario in SCENARIOS:
        client = clients[scenario.role]
        form = form_of(world, client, scenario)
        with transaction.atomic():
            response = client.post(form.url, form.data)
            transaction.set_rollback(True)
        if response.status_code == 302:
            accepted.add(f"{scenario.name}-{scenario.role}")
    assert len(accepted) >= len(SCENARIOS) - 2, sorted(accepted)


# --- Field-level access --------------------------------------------------------------------

DOCUMENT = "DOKUMENTNUMMER-4711"
NOTE = "PSYCHONOTIZ-0815"
HEALTH = "GESUNDHEITSBEDARF-42"


@pytest.fixture
def sensitive(world, db):
    """Markers in the residence document, a counselling note and a health need of P1's person."""
    person = world.a.objects[("participant", 1)]
    person.residence_statuses.update(document_note=DOCUMENT)
    Contact.objects.filter(participant=person).update(note=NOTE)
    Need.objects.create(
        participant=person,
        category="health",
        priority="high",
        status="open",
        description=HEALTH,
        identified_on=person.created_at.date(),
    )
    return person


def _body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def test_a_coach_never_sees_residence_document_numbers(world, clients, sensitive):
    url = reverse("cases:participant_detail", kwargs={"public_id": sensitive.public_id})
    coach_page = _body(clients["coach"].get(url))
    assert sensitive.given_names in coach_page
    assert DOCUMENT not in coach_page
    # The responsible coach reads the notes (granted by case responsibility, core.scoping).
    assert NOTE in coach_page
    assert DOCUMENT in _body(clients["case_manager"].get(url))


def test_a_colleague_coach_sees_no_notes(world, sensitive):
    colleague = member(Role.COACH, provider=world.a.objects[("provider", 1)])
    client = Client()
    client.force_login(colleague)
    url = reverse("cases:participant_detail", kwargs={"public_id": sensitive.public_id})
    page = _body(client.get(url))
    assert sensitive.given_names in page
    for marker in (DOCUMENT, NOTE):
        assert marker not in page


def test_provider_staff_see_only_what_a_course_needs(world, clients, sensitive):
    client = clients["provider_staff"]
    pages = [_body(client.get(reverse("offers:inbox")))]
    for row in ("offers:offer_list", "offers:offer_export", "home"):
        pages.append(_body(client.get(reverse(row))))
    text = "\n".join(pages)
    assert sensitive.family_name in text  # the referral is there
    for marker in (DOCUMENT, NOTE, HEALTH):
        assert marker not in text
