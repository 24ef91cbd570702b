"""In real Chromium: a coordinator decides a call (with its confirmation step), and the pages
of the provider selection and the caseload page pass the axe-core audit."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from durchstarten.core.models import User
from durchstarten.core.selectors import active_membership_for
from durchstarten.organisation.models import Module, Provider, ProviderAssignment
from durchstarten.selection.models import CallStatus
from tests.browser.helpers import audit_accessibility, sign_in_directly
from tests.selection.factories import BidFactory, CallFactory, CriterionFactory, score_bid

pytestmark = pytest.mark.browser


@pytest.fixture
def scored_call(demo):
    """A call in review in the demo coordinator's district, fully scored by them."""
    coordinator = User.objects.get(username="koordination")
    _memberships, membership = active_membership_for(coordinator, None)
    district = membership.district
    towns = list(district.municipalities.order_by("name")[:3])
    providers = list(Provider.objects.filter(district=district).order_by("name")[:2])
    today = timezone.localdate()
    call = CallFactory(
        district=district,
        module=Module.PREPARATION,
        title="Vorbereitungskurse 2028",
        status=CallStatus.REVIEW,
        municipalities=towns,
        reviewers=[coordinator],
        deadline=today - dt.timedelta(days=3),
        valid_from=today + dt.timedelta(days=400),
        valid_until=today + dt.timedelta(days=1400),
    )
    CriterionFactory(call=call, name="Konzept", weight=Decimal("70"))
    CriterionFactory(call=call, name="Erfahrung", weight=Decimal("30"))
    for provider, value in zip(providers, (9, 6), strict=True):
        bid = BidFactory(
            call=call, provider=provider, municipalities=towns, recorded_by=coordinator
        )
        score_bid(bid, {(coordinator, "Konzept"): value, (coordinator, "Erfahrung"): value - 1})
    return call, providers, towns


def test_a_coordinator_decides_a_call_after_confirming(page: Page, live_server, scored_call):
    call, providers, towns = scored_call
    sign_in_directly(page, live_server.url, "koordination")
    page.goto(reverse("selection:call_list"))
    audit_accessibility(page)
    page.get_by_role("link", name="Vorbereitungskurse 2028").click()
    expect(page.get_by_role("heading", name="Vorbereitungskurse 2028")).to_be_visible()
    expect(page.get_by_role("heading", name="Rangfolge")).to_be_visible()
    audit_accessibility(page)

    page.get_by_role("link", name="Entscheidung treffen").click()
    audit_accessibility(page)
    group = page.get_by_role("group", name=towns[0].name)
    expect(group.get_by_role("radio", name=f"{providers[0].name} – Rang 1")).to_be_checked()
    page.get_by_role("button", name="Weiter zur Bestätigung").click()
    expect(page.get_by_role("heading", name="Entscheidung endgültig speichern?")).to_be_visible()
    audit_accessibility(page)
    assert not ProviderAssignment.objects.filter(module=Module.PREPARATION).exists()

    page.get_by_role("button", name="Ja, entscheiden").click()
    expect(page.get_by_text("Die Entscheidung ist gespeichert")).to_be_visible()
    expect(page.get_by_role("heading", name="Entscheidung", exact=True)).to_be_visible()
    audit_accessibility(page)
    assignment = ProviderAssignment.objects.get(module=Module.PREPARATION)
    assert assignment.provider == providers[0]
    assert set(assignment.municipalities.all()) == set(towns)


@pytest.mark.parametrize(
    "url_name", ["call_create", "call_edit", "criterion_create", "bid_create", "score_edit"]
)
def test_the_forms_of_the_selection_are_accessible(
    page: Page,
    live_server,
    scored_call,
    url_name,
):
    call, _providers, _towns = scored_call
    kwargs = {} if url_name == "call_create" else {"public_id": call.public_id}
    if url_name == "criterion_create":
        call.status = CallStatus.DRAFT
        call.save(update_fields=["status"])
    if url_name == "bid_create":
        call.status = CallStatus.OPEN
        call.save(update_fields=["status"])
    if url_name == "score_edit":
        kwargs["bid_id"] = call.bids.first().public_id
    sign_in_directly(page, live_server.url, "koordination")
    response = page.goto(reverse(f"selection:{url_name}", kwargs=kwargs))
    assert response is not None and response.ok
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    audit_accessibility(page)
    # An empty submission shows the German error summary, which must be accessible too.
    if url_name in ("call_create", "bid_create"):
        page.get_by_role("button", name="Speichern").click()
        expect(page.get_by_text("Bitte prüfen Sie Ihre Eingaben.")).to_be_visible()
        audit_accessibility(page)


@pytest.mark.parametrize("username", ["koordination", "teilhabe"])
def test_the_caseload_page_is_accessible(page: Page, live_server, demo, username):
    sign_in_directly(page, live_server.url, username)
    response = page.goto(reverse("organisation:caseload"))
    assert response is not None and response.ok
    expect(
        page.get_by_role("heading", name="Fallzahlen je Teilhabemanager*in und Coach")
    ).to_be_visible()
    audit_accessibility(page)
