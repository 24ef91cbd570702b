"""The pages of the provider selection, from the list to the decision."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from durchstarten.core.models import Role
from durchstarten.organisation.models import ProviderAssignment
from durchstarten.selection.models import Award, Bid, Call, CallStatus, Criterion, Score
from tests.core.filtering import get_filtered
from tests.factories import ProviderAssignmentFactory, ProviderFactory, member
from tests.selection.factories import (
    BidFactory,
    CallFactory,
    CriterionFactory,
    score_bid,
    score_evenly,
)


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def _url(name, call=None, **kwargs):
    if call is None:
        return reverse(f"selection:{name}")
    return reverse(f"selection:{name}", kwargs={"public_id": call.public_id, **kwargs})


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# --- Access ----------------------------------------------------------------------------------


def test_it_shows_the_procedure_to_coordinators(as_user, coordinator, review_call):
    client = as_user(coordinator)
    assert client.get(_url("call_list")).status_code == 200
    response = client.get(_url("call_detail", review_call))
    assert response.status_code == 200
    assert "Coaching Süd 2027" in response.content.decode()


@pytest.mark.parametrize("role", ["case_manager", "coach", "provider_staff", "state_analyst"])
def test_it_forbids_the_procedure_to_everyone_else(request, as_user, role, review_call):
    client = as_user(request.getfixturevalue(role))
    assert client.get(_url("call_list")).status_code == 403
    assert client.get(_url("call_detail", review_call)).status_code == 403


def test_it_hides_another_districts_call(as_user, outsider, review_call, provider, towns):
    bid = BidFactory(call=review_call, provider=provider, municipalities=towns)
    client = as_user(outsider)
    assert client.get(_url("call_detail", review_call)).status_code == 404
    assert client.get(_url("score_edit", review_call, bid_id=bid.public_id)).status_code == 404
    assert client.post(_url("call_cancel", review_call), {"version": 1}).status_code == 404
    review_call.refresh_from_db()
    assert review_call.status == CallStatus.REVIEW


def test_it_answers_404_for_a_bid_of_another_call(as_user, coordinator, review_call, district):
    other = CallFactory(district=district, status=CallStatus.REVIEW)
    bid = BidFactory(call=other)
    response = as_user(coordinator).get(_url("score_edit", review_call, bid_id=bid.public_id))
    assert response.status_code == 404


# --- List ------------------------------------------------------------------------------------


def test_it_searches_filters_sorts_and_pages_calls(as_user, coordinator, district, today):
    CallFactory(district=district, title="Coaching Nord", status=CallStatus.OPEN)
    CallFactory(district=district, title="Teilhabemanagement Süd", module=6)
    CallFactory(title="Coaching anderswo")
    client = as_user(coordinator)
    url = _url("call_list")

    def titles(response):
        assert response.status_code == 200
        return [c.title for c in response.context["page_obj"]]

    assert titles(get_filtered(client, url)) == ["Coaching Nord", "Teilhabemanagement Süd"]
    assert titles(get_filtered(client, url, q="coaching")) == ["Coaching Nord"]
    assert titles(client.get(url, {"status": "open"})) == ["Coaching Nord"]
    assert titles(client.get(url, {"module": "6"})) == ["Teilhabemanagement Süd"]
    assert titles(client.get(url, {"sort": "-title"})) == [
        "Teilhabemanagement Süd",
        "Coaching Nord",
    ]
    for number in range(30):
        CallFactory(district=district, title=f"Lauf {number:02d}")
    response = client.get(url, {"sort": "title", "page": "2"})
    assert len(response.context["page_obj"].object_list) == 7


def test_the_list_needs_the_same_queries_for_few_and_many_calls(
    as_user, coordinator, district, towns
):
    client = as_user(coordinator)
    CallFactory(district=district, municipalities=towns)
    few = _queries(client, _url("call_list"))
    for _ in range(20):
        call = CallFactory(district=district, municipalities=towns)
        BidFactory(call=call)
    assert _queries(client, _url("call_list")) == few


def test_the_call_page_needs_the_same_queries_for_small_and_large_calls(
    as_user, coordinator, second_coordinator, review_call, towns, district
):
    client = as_user(coordinator)
    bid = BidFactory(call=review_call, municipalities=towns)
    score_evenly(bid, [coordinator, second_coordinator], 5)
    small = _queries(client, _url("call_detail", review_call))
    for index in range(6):
        bid = BidFactory(call=review_call, municipalities=towns[: 1 + index % 3])
        score_evenly(bid, [coordinator, second_coordinator], index)
    assert _queries(client, _url("call_detail", review_call)) == small


# --- From the draft to the decision ----------------------------------------------------------


def test_a_coordinator_runs_a_whole_procedure(
    as_user, coordinator, second_coordinator, district, towns, provider, other_provider, today
):
    client = as_user(coordinator)
    response = client.post(
        _url("call_create"),
        {
            "title": "Coaching 2027–2029",
            "module": "1",
            "municipalities": [str(t.public_id) for t in towns],
            "valid_from": (today + dt.timedelta(days=200)).isoformat(),
            "valid_until": (today + dt.timedelta(days=900)).isoformat(),
            "deadline": (today + dt.timedelta(days=30)).isoformat(),
            "reviewers": [str(coordinator.pk), str(second_coordinator.pk)],
            "description": "Coaching in allen Kommunen des Kreises",
        },
    )
    call = Call.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("call_detail", call)

    for name, weight in (("Konzept", "60"), ("Erfahrung", "39,5")):
        response = client.post(
            _url("criterion_create", call), {"name": name, "weight": weight, "description": ""}
        )
        assert response.status_code == 302
    response = client.post(_url("call_open", call), {"version": call.version})
    assert response.status_code == 200
    assert "ergeben zusammen 99,50 %" in response.content.decode()
    erfahrung = Criterion.objects.get(name="Erfahrung")
    response = client.post(
        reverse(
            "selection:criterion_edit",
            kwargs={"public_id": call.public_id, "criterion_id": erfahrung.public_id},
        ),
        {"name": "Erfahrung", "weight": "40", "description": "", "version": "1"},
    )
    assert response.status_code == 302
    response = client.post(_url("call_open", call), {"version": call.version})
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.status == CallStatus.OPEN

    for bidder, bid_towns in ((provider, towns), (other_provider, towns[2:])):
        response = client.post(
            _url("bid_create", call),
            {
                "provider": str(bidder.public_id),
                "received_on": today.isoformat(),
                "municipalities": [str(t.public_id) for t in bid_towns],
                "proposed_fte": "1,5",
                "note": "",
                "late_reason": "",
            },
        )
        assert response.status_code == 302, response.content.decode()
    first, second = Bid.objects.order_by("pk")
    assert first.proposed_fte == Decimal("1.50")

    # The deadline passes.
    Call.objects.filter(pk=call.pk).update(deadline=today - dt.timedelta(days=1))
    call.refresh_from_db()
    response = client.post(_url("call_review", call), {"version": call.version})
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.status == CallStatus.REVIEW

    criteria = list(call.criteria.order_by("created_at", "pk"))
    for reviewer, values in ((coordinator, (8, 6)), (second_coordinator, (7, 5))):
        reviewer_client = as_user(reviewer)
        for bid, shift in ((first, 0), (second, -2)):
            data = {}
            for criterion, value in zip(criteria, values, strict=True):
                data[f"score_{criterion.pk}"] = str(value + shift)
                data[f"comment_{criterion.pk}"] = "nachvollziehbar"
            response = reviewer_client.post(
                reverse(
                    "selection:score_edit",
                    kwargs={"public_id": call.public_id, "bid_id": bid.public_id},
                ),
                data,
            )
            assert response.status_code == 302
    assert Score.objects.count() == 8

    client = as_user(coordinator)
    page = client.get(_url("call_detail", call)).content.decode()
    # 60 × 7.5 + 40 × 5.5 = 670; the second bid 2 points lower everywhere: 470
    assert "670,00" in page and "470,00" in page

    decide = _url("call_decide", call)
    response = client.get(decide)
    assert response.status_code == 200
    form = response.context["form"]
    assert [form[name].initial for _m, name in form.municipality_fields] == [
        str(first.public_id)
    ] * 3
    data = {"version": call.version, "note": ""}
    data.update({name: str(first.public_id) for _m, name in form.municipality_fields})
    response = client.post(decide, data)
    assert response.status_code == 200
    assert "Entscheidung endgültig speichern?" in response.content.decode()
    assert not ProviderAssignment.objects.exists()
    response = client.post(decide, {**data, "confirmed": "1"})
    assert response.status_code == 302
    assignment = ProviderAssignment.objects.get()
    assert assignment.provider == provider
    assert set(assignment.municipalities.all()) == set(towns)
    assert Award.objects.count() == 3
    page = client.get(_url("call_detail", call)).content.decode()
    assert "entschieden" in page
    assert "Verfahren bearbeiten" not in page


def test_a_conflict_shows_the_assignment_rule_and_writes_nothing(
    as_user, coordinator, review_call, towns, provider, district
):
    bid = BidFactory(call=review_call, provider=provider, municipalities=towns)
    score_evenly(bid, list(review_call.reviewers.all()), 6)
    incumbent = ProviderFactory(district=district, name="Bisheriger Träger")
    ProviderAssignmentFactory(
        provider=incumbent,
        module=review_call.module,
        municipalities=[towns[0]],
        valid_from=review_call.valid_from,
        valid_until=None,
    )
    client = as_user(coordinator)
    data = {"version": "1", "note": "", "confirmed": "1"}
    data.update({f"m_{t.public_id}": str(bid.public_id) for t in towns})
    response = client.post(_url("call_decide", review_call), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "bereits „Bisheriger Träger“ zuständig" in body
    assert ProviderAssignment.objects.count() == 1
    review_call.refresh_from_db()
    assert review_call.status == CallStatus.REVIEW


def test_the_decision_needs_every_bid_fully_scored(
    as_user, coordinator, review_call, towns, provider
):
    bid = BidFactory(call=review_call, provider=provider, municipalities=towns)
    score_evenly(bid, [coordinator], 6)
    response = as_user(coordinator).get(_url("call_decide", review_call))
    assert response.status_code == 302
    [message] = _messages(response)
    assert message.startswith("Die Entscheidung ist erst möglich, wenn alle")
    page = as_user(coordinator).get(_url("call_detail", review_call)).content.decode()
    assert "Noch ohne Rang: nicht vollständig bewertet" in page


def test_a_tie_at_the_top_is_not_preselected(
    as_user, coordinator, second_coordinator, review_call, towns, provider, other_provider
):
    panel = [coordinator, second_coordinator]
    for bidder in (provider, other_provider):
        score_evenly(BidFactory(call=review_call, provider=bidder, municipalities=towns), panel, 7)
    response = as_user(coordinator).get(_url("call_decide", review_call))
    form = response.context["form"]
    assert all(form[name].initial is None for _m, name in form.municipality_fields)
    assert "gleichauf" in response.content.decode()
    data = {"version": "1", "note": ""}
    response = as_user(coordinator).post(_url("call_decide", review_call), data)
    assert response.status_code == 200
    assert "Bitte wählen Sie einen Träger oder „kein Zuschlag“" in response.content.decode()


def test_reviewers_see_the_others_scores_only_after_their_own(
    as_user, coordinator, second_coordinator, review_call, towns, provider
):
    bid = BidFactory(call=review_call, provider=provider, municipalities=towns)
    criteria = {c.name: c for c in review_call.criteria.all()}
    for name in criteria:
        Score.objects.create(
            bid=bid,
            criterion=criteria[name],
            reviewer=coordinator,
            value=9,
            comment="Sehr überzeugendes Konzept",
        )
    page = as_user(second_coordinator).get(_url("call_detail", review_call)).content.decode()
    assert "Sehr überzeugendes Konzept" not in page
    assert "sobald Sie selbst alle Interessenbekundungen vollständig bewertet haben" in page
    assert 'id="rangfolge"' not in page
    score_evenly(bid, [second_coordinator], 4)
    page = as_user(second_coordinator).get(_url("call_detail", review_call)).content.decode()
    assert "Sehr überzeugendes Konzept" in page
    assert 'id="rangfolge"' in page


def test_only_panel_members_score(as_user, review_call, towns, provider, district):
    bid = BidFactory(call=review_call, provider=provider, municipalities=towns)
    stranger = member(Role.COORDINATOR, district)
    url = _url("score_edit", review_call, bid_id=bid.public_id)
    criterion = review_call.criteria.first()
    for response in (
        as_user(stranger).get(url),
        as_user(stranger).post(url, {f"score_{criterion.pk}": "7"}),
    ):
        assert response.status_code == 200
        body = response.content.decode()
        assert "Sie gehören nicht zum Bewertungsgremium dieses Verfahrens." in body
        assert "Bewertung speichern" not in body
    assert not Score.objects.exists()


def test_a_score_form_shows_german_errors(as_user, coordinator, review_call, towns, provider):
    bid = BidFactory(call=review_call, provider=provider, municipalities=towns)
    criterion = review_call.criteria.first()
    response = as_user(coordinator).post(
        _url("score_edit", review_call, bid_id=bid.public_id),
        {f"score_{criterion.pk}": "12", f"comment_{criterion.pk}": ""},
    )
    assert response.status_code == 200
    assert "Bitte vergeben Sie 0 bis 10 Punkte." in response.content.decode()
    assert not Score.objects.exists()


def test_it_detects_a_concurrent_edit_of_a_call(as_user, coordinator, draft_call, towns):
    client = as_user(coordinator)
    url = _url("call_edit", draft_call)
    assert client.get(url).context["form"].initial["version"] == 1
    Call.objects.filter(pk=draft_call.pk).update(version=2)
    response = client.post(
        url,
        {
            "title": "Neuer Titel",
            "module": "1",
            "municipalities": [str(t.public_id) for t in towns],
            "valid_from": draft_call.valid_from.isoformat(),
            "valid_until": draft_call.valid_until.isoformat(),
            "deadline": draft_call.deadline.isoformat(),
            "reviewers": [str(coordinator.pk)],
            "description": "",
            "version": "1",
        },
    )
    assert response.status_code == 200
    assert "inzwischen von jemand anderem geändert" in response.content.decode()
    draft_call.refresh_from_db()
    assert draft_call.title == "Coaching Nord 2027"


def test_an_open_call_keeps_its_published_terms_in_the_form(
    as_user, coordinator, draft_call, towns
):
    Call.objects.filter(pk=draft_call.pk).update(status=CallStatus.OPEN)
    client = as_user(coordinator)
    later = draft_call.deadline + dt.timedelta(days=5)
    response = client.post(
        _url("call_edit", draft_call),
        {
            "title": "Versuch",
            "municipalities": [str(towns[0].public_id)],
            "deadline": later.isoformat(),
            "reviewers": [str(coordinator.pk)],
            "description": "Frist verlängert",
            "version": "1",
        },
    )
    assert response.status_code == 302
    draft_call.refresh_from_db()
    assert (draft_call.title, draft_call.deadline) == ("Coaching Nord 2027", later)
    assert draft_call.municipalities.count() == 3


def test_destructive_actions_ask_first(as_user, coordinator, draft_call):
    criterion = CriterionFactory(call=draft_call, name="Konzept")
    url = reverse(
        "selection:criterion_delete",
        kwargs={"public_id": draft_call.public_id, "criterion_id": criterion.public_id},
    )
    client = as_user(coordinator)
    response = client.get(url)
    assert "Wirklich löschen?" in response.content.decode()
    assert Criterion.objects.exists()
    assert client.post(url).status_code == 302
    assert not Criterion.objects.exists()
    response = client.get(_url("call_cancel", draft_call))
    assert "Ein abgebrochenes Verfahren kann nicht fortgesetzt werden." in (
        response.content.decode()
    )


def test_a_closed_call_offers_no_changes(as_user, coordinator, review_call, towns, provider):
    bid = BidFactory(call=review_call, provider=provider, municipalities=towns)
    score_bid(bid, {(coordinator, "Konzept"): 5})
    Call.objects.filter(pk=review_call.pk).update(status=CallStatus.CANCELLED)
    client = as_user(coordinator)
    for url in (
        _url("call_edit", review_call),
        _url("bid_edit", review_call, bid_id=bid.public_id),
        _url("score_edit", review_call, bid_id=bid.public_id),
        _url("call_decide", review_call),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(_url("call_detail", review_call))
