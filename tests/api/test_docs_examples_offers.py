"""The curl examples of docs/api.md, section "Organisation, Angebote, Vermittlungen, Berichte",
work as shown.

They run in order against the application, with the coordinator's or the state analyst's key
as the example's Authorization header says; `VAR=$(curl … | jq -r .path)` keeps a value for the
examples after it, `$ETAG` is the ETag of the latest answer that carried one. Every answer must
be a success. The parsing is the cases section's (tests/api/test_docs_examples_cases.py).
"""

import datetime as dt
import re

import pytest

from durchstarten.cases.choices import ConsentPurpose
from durchstarten.cases.services import consent as consent_services
from durchstarten.core.models import AuditEntry, Role
from durchstarten.offers.models import Outcome, Referral
from tests.api.conftest import api_client
from tests.api.test_docs_examples_cases import CAPTURE, DOC, DOCS_BASE, jq, parse_curl, run
from tests.factories import DistrictFactory, MunicipalityFactory, ParticipantFactory, member

pytestmark = pytest.mark.django_db

SECTION = "## Organisation, Angebote, Vermittlungen, Berichte"


def commands() -> list[str]:
    text = DOC.read_text()
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    section = text[start : end if end != -1 else None]
    out = []
    for block in re.findall(r"```bash\n(.*?)```", section, re.S):
        out.extend(line for line in block.replace("\\\n", " ").splitlines() if line.strip())
    return out


@pytest.fixture
def guetersloh():
    district = DistrictFactory(name="Kreis Gütersloh", ags="05754000")
    MunicipalityFactory(district=district, name="Harsewinkel", ags="05754008")
    return district


@pytest.fixture
def person(guetersloh):
    coordinator = member(Role.COORDINATOR, guetersloh)
    participant = ParticipantFactory(district=guetersloh, municipality=None)
    consent_services.consent_give(
        actor=coordinator,
        participant=participant,
        purpose=ConsentPurpose.CASE_WORK,
        given_on=dt.date(2026, 1, 5),
        form_language="ar",
    )
    return coordinator, participant


def test_the_section_has_examples():
    assert len(commands()) >= 15


def test_every_example_works(person):
    coordinator, participant = person
    clients = {
        "coordinator": api_client(coordinator),
        "analyst": api_client(member(Role.STATE_ANALYST)),
    }
    variables = {
        "BASE": DOCS_BASE,
        "TOKEN": "coordinator",
        "ANALYST_TOKEN": "analyst",
        "PARTICIPANT": participant.public_id,
    }
    for command in commands():
        capture = CAPTURE.match(command)
        request = parse_curl(capture.group(2) if capture else command, variables)
        key = request["headers"]["Authorization"].removeprefix("Bearer ")
        response = run(clients[key], request)
        assert response.status_code < 400, (command, response.status_code, response.content)
        if response.has_header("ETag"):
            variables["ETAG"] = response["ETag"]
        if capture:
            variables[capture.group(1)] = jq(response.json(), capture.group(3))
    assert {"PROVIDER", "OFFER", "REFERRAL"} <= set(variables)
    referral = Referral.objects.get()
    assert referral.state == "started"
    assert Outcome.objects.get().referral == referral
    assert AuditEntry.objects.filter(action="report.kpi.exported").exists()
