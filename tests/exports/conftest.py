import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from durchstarten.cases.choices import ConsentPurpose
from durchstarten.cases.models import Task
from durchstarten.core.models import Membership
from durchstarten.offers.choices import OfferCategory, OfferKind, ReferralState
from durchstarten.offers.models import Referral
from tests.factories import (
    ConsentFactory,
    OfferFactory,
    ParticipantFactory,
    ResidenceStatusFactory,
)

DOCUMENT_NOTE = "Duldungsbescheinigung Nr. D-4711"


def allow_export(user, allowed: bool = True) -> None:
    Membership.objects.filter(user=user).update(can_export=allowed)


@pytest.fixture
def as_user(client):
    def login(user, *, can_export: bool = True):
        allow_export(user, can_export)
        client.force_login(user)
        return client

    return login


def person(district, municipality, provider=None, **fields):
    """A participant written directly, consenting to case work (and sharing with `provider`)."""
    created = ParticipantFactory(
        district=district,
        municipality=municipality,
        coaching_provider=provider,
        **fields,
    )
    ConsentFactory(participant=created, purpose=ConsentPurpose.CASE_WORK)
    if provider is not None:
        ConsentFactory(
            participant=created, purpose=ConsentPurpose.PROVIDER_SHARING, provider=provider
        )
    ResidenceStatusFactory(participant=created, document_note=DOCUMENT_NOTE)
    return created


@pytest.fixture
def people(district, municipality, provider):
    """Three participants: two coached by `provider`, one by nobody."""
    return [
        person(district, municipality, provider, given_names="Amal", family_name="Haddad"),
        person(district, municipality, provider, given_names="Bilal", family_name="Yousef"),
        person(district, municipality, given_names="Dawit", family_name="Tesfaye"),
    ]


@pytest.fixture
def course(district, provider, municipality):
    return OfferFactory(
        district=district,
        provider=provider,
        organiser="",
        kind=OfferKind.INITIATIVE,
        category=OfferCategory.PREPARATION_COURSE,
        module=4,
        title="Berufsvorbereitung Harsewinkel",
        capacity=10,
        needs_covered=["german"],
        municipalities=[municipality],
        start_date=timezone.localdate() + dt.timedelta(days=10),
    )


def refer(person, offer, state=ReferralState.PROPOSED, **fields) -> Referral:
    return Referral.objects.create(
        participant=person,
        offer=offer,
        district=person.district,
        state=state,
        proposed_on=timezone.localdate() - dt.timedelta(days=5),
        **fields,
    )


def task(user, person=None, *, days=3, title="Wiedervorlage", district=None) -> Task:
    return Task.objects.create(
        participant=person,
        district=district or person.district,
        title=title,
        due_date=timezone.localdate() + dt.timedelta(days=days),
        assignee=user,
    )


def read_xlsx(response) -> list[list]:
    body = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
