"""The rules of the provider selection, enforced by selection.services."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from durchstarten.core.models import AuditEntry, Role
from durchstarten.organisation.models import Module, ProviderAssignment
from durchstarten.selection import selectors, services
from durchstarten.selection.models import Award, Bid, CallStatus, Criterion, Score
from tests.factories import ProviderAssignmentFactory, ProviderFactory, member
from tests.selection.factories import CallFactory, CriterionFactory, score_bid, score_evenly


def _messages(error: ValidationError) -> list[str]:
    return [str(m) for m in error.messages]


# --- Calls and criteria ----------------------------------------------------------------------


def test_it_creates_a_call_as_draft_with_an_audit_entry(coordinator, district, towns, today):
    call = services.call_create(
        actor=coordinator,
        district=district,
        module=Module.COACHING,
        title="Coaching 2027–2029",
        valid_from=today + dt.timedelta(days=100),
        deadline=today + dt.timedelta(days=30),
        municipalities=towns[:2],
        reviewers=[coordinator],
    )
    assert call.status == CallStatus.DRAFT
    assert set(call.municipalities.all()) == set(towns[:2])
    entry = AuditEntry.objects.get(action="selection.call.created")
    assert entry.object_id == str(call.public_id)
    assert entry.data["municipalities"] == sorted(m.ags for m in towns[:2])


def test_it_refuses_foreign_municipalities_and_non_coordinators(
    coordinator, case_manager, district, towns, outsider, today
):
    from tests.factories import MunicipalityFactory

    foreign = MunicipalityFactory(district=outsider.memberships.get().district, name="Herford")
    with pytest.raises(ValidationError) as caught:
        services.call_create(
            actor=coordinator,
            district=district,
            module=Module.COACHING,
            title="X",
            valid_from=today + dt.timedelta(days=100),
            deadline=today + dt.timedelta(days=30),
            municipalities=[towns[0], foreign],
            reviewers=[case_manager],
        )
    errors = caught.value.message_dict
    assert errors["municipalities"] == ["Diese Kommunen gehören nicht zum Kreis: Herford."]
    assert "Nur Personen mit der Rolle Koordinierung" in errors["reviewers"][0]


def test_it_wants_the_deadline_before_the_assignment_starts(coordinator, district, towns, today):
    with pytest.raises(ValidationError) as caught:
        services.call_create(
            actor=coordinator,
            district=district,
            module=Module.COACHING,
            title="X",
            valid_from=today + dt.timedelta(days=10),
            deadline=today + dt.timedelta(days=10),
            municipalities=towns,
        )
    assert caught.value.message_dict["deadline"] == [
        "Die Abgabefrist muss vor dem Beginn der Zuständigkeit liegen."
    ]


@pytest.mark.parametrize("role", [Role.CASE_MANAGER, Role.COACH, Role.PROVIDER_STAFF])
def test_it_lets_only_coordinators_write(role, district, provider, draft_call):
    actor = member(role, provider=provider) if role in (Role.COACH, Role.PROVIDER_STAFF) else None
    actor = actor or member(role, district)
    with pytest.raises(PermissionDenied):
        services.criterion_create(actor=actor, call=draft_call, name="X", weight=Decimal("10"))


def test_it_refuses_a_coordinator_of_another_district(outsider, draft_call):
    with pytest.raises(PermissionDenied):
        services.call_cancel(actor=outsider, call=draft_call, version=1, reason="x")


def test_it_opens_a_call_only_when_the_weights_add_up_to_100(coordinator, draft_call):
    CriterionFactory(call=draft_call, name="Konzept", weight=Decimal("33.33"))
    CriterionFactory(call=draft_call, name="Erfahrung", weight=Decimal("33.33"))
    with pytest.raises(ValidationError) as caught:
        services.call_open(actor=coordinator, call=draft_call, version=draft_call.version)
    assert _messages(caught.value) == [
        "Die Gewichte der Kriterien ergeben zusammen 66,66 %. Sie müssen genau 100 % ergeben, "
        "bevor das Verfahren eröffnet werden kann."
    ]
    draft_call.refresh_from_db()
    assert draft_call.status == CallStatus.DRAFT
    services.criterion_create(
        actor=coordinator, call=draft_call, name="Vernetzung", weight=Decimal("33.34")
    )
    services.call_open(actor=coordinator, call=draft_call, version=draft_call.version)
    draft_call.refresh_from_db()
    assert draft_call.status == CallStatus.OPEN
    assert AuditEntry.objects.filter(action="selection.call.open").exists()


def test_it_names_everything_that_keeps_a_draft_from_opening(coordinator, district, towns, today):
    call = CallFactory(
        district=district, municipalities=towns, deadline=today - dt.timedelta(days=1)
    )
    with pytest.raises(ValidationError) as caught:
        services.call_open(actor=coordinator, call=call, version=call.version)
    assert _messages(caught.value) == [
        "Bitte legen Sie mindestens ein Bewertungskriterium an.",
        "Bitte benennen Sie mindestens eine Person für das Bewertungsgremium.",
        "Die Abgabefrist ist bereits abgelaufen. Bitte setzen Sie eine neue Frist.",
    ]


def test_it_refuses_criteria_weighing_more_than_100_together(coordinator, draft_call):
    services.criterion_create(actor=coordinator, call=draft_call, name="A", weight=Decimal("70"))
    with pytest.raises(ValidationError) as caught:
        services.criterion_create(
            actor=coordinator, call=draft_call, name="B", weight=Decimal("30.01")
        )
    assert caught.value.message_dict["weight"] == [
        "Mit diesem Gewicht ergäben die Kriterien zusammen 100,01 %. Mehr als 100 % sind nicht "
        "möglich."
    ]
    with pytest.raises(ValidationError) as caught:
        services.criterion_create(actor=coordinator, call=draft_call, name="a ", weight=1)
    assert caught.value.message_dict["name"] == [
        "Ein Kriterium mit diesem Namen gibt es in diesem Verfahren schon."
    ]


def test_it_fixes_the_criteria_once_the_call_is_open(coordinator, review_call):
    criterion = review_call.criteria.first()
    with pytest.raises(ValidationError) as caught:
        services.criterion_update(
            actor=coordinator, criterion=criterion, version=1, weight=Decimal("10")
        )
    assert _messages(caught.value) == ["Kriterien können nur im Entwurf geändert werden."]
    with pytest.raises(ValidationError):
        services.criterion_delete(actor=coordinator, criterion=criterion)


def test_it_allows_only_some_changes_after_opening(coordinator, draft_call, towns, today):
    draft_call.status = CallStatus.OPEN
    draft_call.save()
    with pytest.raises(ValidationError) as caught:
        services.call_update(
            actor=coordinator,
            call=draft_call,
            version=draft_call.version,
            municipalities=towns[:1],
            title="Neu",
        )
    assert _messages(caught.value) == [
        "Im Stand „Interessenbekundung läuft“ können diese Angaben nicht mehr geändert werden: "
        "Bezeichnung, Kommunen."
    ]
    with pytest.raises(ValidationError) as caught:
        services.call_update(
            actor=coordinator,
            call=draft_call,
            version=draft_call.version,
            deadline=draft_call.deadline - dt.timedelta(days=1),
        )
    assert caught.value.message_dict["deadline"] == [
        "Eine laufende Abgabefrist kann nur verlängert werden."
    ]
    later = draft_call.deadline + dt.timedelta(days=7)
    services.call_update(
        actor=coordinator, call=draft_call, version=draft_call.version, deadline=later
    )
    draft_call.refresh_from_db()
    assert (draft_call.deadline, draft_call.version) == (later, 2)


def test_it_detects_a_concurrent_edit(coordinator, draft_call):
    services.call_update(actor=coordinator, call=draft_call, version=1, title="Erste Änderung")
    with pytest.raises(ValidationError) as caught:
        services.call_update(actor=coordinator, call=draft_call, version=1, title="Zweite")
    assert "inzwischen von jemand anderem geändert" in _messages(caught.value)[0]


def test_it_keeps_reviewers_who_already_scored(
    coordinator, second_coordinator, review_call, provider, towns, make_bid
):
    bid = make_bid(review_call, provider, towns[:1])
    score_bid(bid, {(second_coordinator, "Konzept"): 5})
    with pytest.raises(ValidationError) as caught:
        services.call_update(
            actor=coordinator, call=review_call, version=1, reviewers=[coordinator]
        )
    assert "hat bereits Bewertungen abgegeben" in caught.value.message_dict["reviewers"][0]


def test_it_starts_the_review_only_after_the_deadline(
    coordinator, draft_call, provider, towns, make_bid, today
):
    draft_call.status = CallStatus.OPEN
    draft_call.deadline = today
    draft_call.save()
    make_bid(draft_call, provider, towns)
    with pytest.raises(ValidationError) as caught:
        services.call_start_review(actor=coordinator, call=draft_call, version=1)
    assert "läuft noch bis einschließlich" in _messages(caught.value)[0]
    draft_call.deadline = today - dt.timedelta(days=1)
    draft_call.save()
    services.call_start_review(actor=coordinator, call=draft_call, version=1)
    draft_call.refresh_from_db()
    assert draft_call.status == CallStatus.REVIEW


def test_it_wants_a_reason_to_cancel(coordinator, draft_call):
    with pytest.raises(ValidationError) as caught:
        services.call_cancel(actor=coordinator, call=draft_call, version=1, reason="  ")
    assert caught.value.message_dict["reason"] == ["Bitte geben Sie den Grund für den Abbruch an."]
    services.call_cancel(actor=coordinator, call=draft_call, version=1, reason="Kein Bedarf")
    draft_call.refresh_from_db()
    assert (draft_call.status, draft_call.cancel_reason) == (CallStatus.CANCELLED, "Kein Bedarf")


# --- Bids ------------------------------------------------------------------------------------


@pytest.fixture
def open_call(draft_call):
    draft_call.status = CallStatus.OPEN
    draft_call.save()
    CriterionFactory(call=draft_call, name="Konzept", weight=Decimal("100"))
    return draft_call


def _bid(actor, call, provider, municipalities, **kwargs):
    fields = {"received_on": call.deadline - dt.timedelta(days=25), "proposed_fte": Decimal("2")}
    fields.update(kwargs)
    return services.bid_create(
        actor=actor, call=call, provider=provider, municipalities=municipalities, **fields
    )


def test_it_records_a_bid_while_the_call_is_open(coordinator, open_call, provider, towns):
    bid = _bid(coordinator, open_call, provider, towns[:2])
    assert set(bid.municipalities.all()) == set(towns[:2])
    assert bid.recorded_by == coordinator
    entry = AuditEntry.objects.get(action="selection.bid.created")
    assert entry.data["late"] is False


def test_it_takes_no_bids_in_a_draft(coordinator, draft_call, provider, towns):
    with pytest.raises(ValidationError) as caught:
        _bid(coordinator, draft_call, provider, towns)
    assert "solange das Verfahren läuft oder bewertet wird" in _messages(caught.value)[0]


def test_it_wants_a_reason_for_a_late_bid(coordinator, open_call, provider, towns, today):
    open_call.deadline = today - dt.timedelta(days=2)
    open_call.save()
    with pytest.raises(ValidationError) as caught:
        _bid(coordinator, open_call, provider, towns, received_on=today)
    [message] = caught.value.message_dict["late_reason"]
    assert message.startswith("Die Interessenbekundung ging nach der Abgabefrist")
    bid = _bid(
        coordinator,
        open_call,
        provider,
        towns,
        received_on=today,
        late_reason="Poststempel vom Tag der Frist",
    )
    assert bid.late_reason == "Poststempel vom Tag der Frist"


def test_it_checks_the_bid_itself(coordinator, open_call, provider, towns, outsider, today):
    from tests.factories import MunicipalityFactory

    elsewhere = MunicipalityFactory(district=open_call.district, name="Verl")
    foreign_provider = ProviderFactory(district=outsider.memberships.get().district)
    with pytest.raises(ValidationError) as caught:
        _bid(
            coordinator,
            open_call,
            foreign_provider,
            [towns[0], elsewhere],
            received_on=today + dt.timedelta(days=1),
        )
    errors = caught.value.message_dict
    assert errors["provider"] == ["Der Träger gehört nicht zu diesem Kreis."]
    assert errors["received_on"] == ["Das Eingangsdatum darf nicht in der Zukunft liegen."]
    assert errors["municipalities"] == ["Diese Kommunen gehören nicht zum Verfahren: Verl."]
    _bid(coordinator, open_call, provider, towns)
    with pytest.raises(ValidationError) as caught:
        _bid(coordinator, open_call, provider, towns)
    assert caught.value.message_dict["provider"] == [
        "Von diesem Träger liegt bereits eine Interessenbekundung vor."
    ]


def test_it_freezes_a_bid_once_it_is_scored(coordinator, review_call, provider, towns, make_bid):
    bid = make_bid(review_call, provider, towns)
    services.bid_update(actor=coordinator, bid=bid, version=1, note="nachgereicht")
    score_bid(bid, {(coordinator, "Konzept"): 3})
    with pytest.raises(ValidationError) as caught:
        services.bid_update(actor=coordinator, bid=bid, version=2, note="später")
    assert _messages(caught.value) == [
        "Diese Interessenbekundung wurde bereits bewertet und kann nicht mehr geändert werden."
    ]
    with pytest.raises(ValidationError):
        services.bid_delete(actor=coordinator, bid=bid)


# --- Scores ----------------------------------------------------------------------------------


def _entries(call, values, versions=None):
    versions = versions or {}
    return {c.pk: (values.get(c.name), "", versions.get(c.name)) for c in call.criteria.all()}


def test_it_saves_a_reviewers_own_scores(coordinator, review_call, provider, towns, make_bid):
    bid = make_bid(review_call, provider, towns)
    services.scores_save(actor=coordinator, bid=bid, entries=_entries(review_call, {"Konzept": 8}))
    [score] = Score.objects.all()
    assert (score.reviewer, score.value, score.criterion.name) == (coordinator, 8, "Konzept")
    entry = AuditEntry.objects.get(action="selection.scores.saved")
    assert entry.data["scores"] == {str(score.criterion.public_id): 8}
    # A second tab still holding the form without the score cannot overwrite it unnoticed.
    with pytest.raises(ValidationError) as caught:
        services.scores_save(
            actor=coordinator, bid=bid, entries=_entries(review_call, {"Konzept": 2})
        )
    assert "inzwischen von jemand anderem geändert" in _messages(caught.value)[0]
    services.scores_save(
        actor=coordinator,
        bid=bid,
        entries=_entries(review_call, {"Konzept": 9}, {"Konzept": score.version}),
    )
    score.refresh_from_db()
    assert (score.value, score.version) == (9, 2)


def test_it_lets_only_the_panel_score_and_only_in_review(
    coordinator, review_call, provider, towns, make_bid, district
):
    bid = make_bid(review_call, provider, towns)
    stranger = member(Role.COORDINATOR, district)
    with pytest.raises(ValidationError) as caught:
        services.scores_save(actor=stranger, bid=bid, entries=_entries(review_call, {}))
    assert _messages(caught.value) == ["Sie gehören nicht zum Bewertungsgremium dieses Verfahrens."]
    with pytest.raises(ValidationError) as caught:
        services.scores_save(
            actor=coordinator, bid=bid, entries=_entries(review_call, {"Konzept": 11})
        )
    assert list(caught.value.message_dict.values()) == [["Bitte vergeben Sie 0 bis 10 Punkte."]]
    review_call.status = CallStatus.OPEN
    review_call.save()
    with pytest.raises(ValidationError) as caught:
        services.scores_save(
            actor=coordinator, bid=bid, entries=_entries(review_call, {"Konzept": 5})
        )
    assert _messages(caught.value) == [
        "Bewertet werden kann nur, solange das Verfahren in Bewertung ist."
    ]
    assert not Score.objects.exists()


def test_scores_entered_in_any_order_give_the_same_ranking(
    coordinator, second_coordinator, review_call, provider, other_provider, towns, make_bid
):
    bids = [make_bid(review_call, provider, towns), make_bid(review_call, other_provider, towns)]
    plan = [
        (coordinator, bids[0], {"Konzept": 7, "Erfahrung": 4}),
        (second_coordinator, bids[0], {"Konzept": 8, "Erfahrung": 5}),
        (coordinator, bids[1], {"Konzept": 6, "Erfahrung": 9}),
        (second_coordinator, bids[1], {"Konzept": 9, "Erfahrung": 3}),
    ]

    def ranking():
        record = selectors.call_record(review_call)
        return [(r.bid.pk, r.points, r.rank, r.tied) for r in record.results]

    for actor, bid, values in plan:
        services.scores_save(actor=actor, bid=bid, entries=_entries(review_call, values))
    forwards = ranking()
    Score.objects.all().delete()
    for actor, bid, values in reversed(plan):
        services.scores_save(actor=actor, bid=bid, entries=_entries(review_call, values))
    assert ranking() == forwards
    # 60 × 7.5 + 40 × 4.5 = 630 and 60 × 7.5 + 40 × 6 = 690
    assert forwards == [
        (bids[1].pk, Decimal("690.00"), 1, False),
        (bids[0].pk, Decimal("630.00"), 2, False),
    ]


# --- Decision --------------------------------------------------------------------------------


@pytest.fixture
def scored(coordinator, second_coordinator, review_call, provider, other_provider, towns, make_bid):
    """Two complete bids: `provider` (all towns) ranks first, `other_provider` (town 3) second."""
    panel = [coordinator, second_coordinator]
    first = make_bid(review_call, provider, towns)
    second = make_bid(review_call, other_provider, towns[2:])
    score_evenly(first, panel, 8)
    score_evenly(second, panel, 6)
    return first, second


def _choices(review_call, towns, bids):
    return {town.pk: bid for town, bid in zip(towns, bids, strict=True)}


def test_it_decides_and_creates_one_assignment_per_winning_provider(
    coordinator, review_call, towns, scored
):
    first, second = scored
    assignments = services.call_decide(
        actor=coordinator,
        call=review_call,
        version=review_call.version,
        choices=_choices(review_call, towns, [first, first, second]),
        note="Herzebrock-Clarholz an den Träger mit Büro vor Ort",
    )
    assert len(assignments) == 2
    by_provider = {a.provider: a for a in ProviderAssignment.objects.all()}
    assert set(by_provider[first.provider].municipalities.all()) == set(towns[:2])
    assert set(by_provider[second.provider].municipalities.all()) == {towns[2]}
    for assignment in by_provider.values():
        assert assignment.module == review_call.module
        assert (assignment.valid_from, assignment.valid_until) == (
            review_call.valid_from,
            review_call.valid_until,
        )
    review_call.refresh_from_db()
    assert review_call.status == CallStatus.DECIDED
    assert review_call.decided_by == coordinator
    assert review_call.decided_at is not None
    assert {(a.municipality, a.bid) for a in Award.objects.all()} == {
        (towns[0], first),
        (towns[1], first),
        (towns[2], second),
    }
    entry = AuditEntry.objects.get(action="selection.call.decision")
    assert entry.data["deviations"] == [towns[2].ags]
    assert [r["points"] for r in entry.data["ranking"]] == ["800.00", "600.00"]
    assert AuditEntry.objects.filter(action="organisation.assignment.created").count() == 2


def test_it_wants_a_reason_when_deviating_from_the_ranking(coordinator, review_call, towns, scored):
    first, second = scored
    with pytest.raises(ValidationError) as caught:
        services.call_decide(
            actor=coordinator,
            call=review_call,
            version=1,
            choices=_choices(review_call, towns, [first, None, second]),
        )
    assert caught.value.message_dict["note"] == [
        "Sie weichen bei Harsewinkel, Herzebrock-Clarholz von der Rangfolge ab. Bitte begründen "
        "Sie die Entscheidung."
    ]


def test_it_refuses_a_bid_for_a_municipality_it_did_not_bid_for(
    coordinator, review_call, towns, scored
):
    first, second = scored
    with pytest.raises(ValidationError) as caught:
        services.call_decide(
            actor=coordinator,
            call=review_call,
            version=1,
            choices=_choices(review_call, towns, [second, first, first]),
            note="x",
        )
    assert _messages(caught.value) == [
        f"Gütersloh: „{second.provider}“ hat sich für diese Kommune nicht beworben."
    ]


def test_it_refuses_to_decide_with_missing_scores(
    coordinator, second_coordinator, review_call, provider, towns, make_bid
):
    bid = make_bid(review_call, provider, towns)
    score_evenly(bid, [coordinator], 9)
    score_bid(bid, {(second_coordinator, "Konzept"): 9})
    with pytest.raises(ValidationError) as caught:
        services.call_decide(
            actor=coordinator,
            call=review_call,
            version=1,
            choices=_choices(review_call, towns, [bid, bid, bid]),
        )
    assert _messages(caught.value) == [
        "Die Entscheidung ist erst möglich, wenn alle Interessenbekundungen vollständig "
        f"bewertet sind. Es fehlen noch Bewertungen für: {bid.provider}."
    ]
    assert not ProviderAssignment.objects.exists()


def test_a_conflict_aborts_the_whole_decision_and_writes_nothing(
    coordinator, review_call, towns, scored, district
):
    first, second = scored
    incumbent = ProviderFactory(district=district, name="Bisheriger Träger")
    ProviderAssignmentFactory(
        provider=incumbent,
        module=review_call.module,
        municipalities=[towns[2]],
        valid_from=review_call.valid_from - dt.timedelta(days=365),
        valid_until=review_call.valid_from + dt.timedelta(days=30),
    )
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.call_decide(
            actor=coordinator,
            call=review_call,
            version=1,
            choices=_choices(review_call, towns, [first, first, first]),
        )
    [message] = caught.value.message_dict["municipalities"]
    assert message.startswith("Herzebrock-Clarholz: Im Förderbaustein 1 – Coaching ist vom")
    assert "bereits „Bisheriger Träger“ zuständig" in message
    assert ProviderAssignment.objects.count() == 1
    assert not Award.objects.exists()
    assert AuditEntry.objects.count() == audit_before
    review_call.refresh_from_db()
    assert (review_call.status, review_call.version) == (CallStatus.REVIEW, 1)


def test_a_conflict_found_under_the_lock_also_rolls_back(
    coordinator, review_call, towns, scored, district, monkeypatch
):
    """The organisation service checks again inside its lock; its refusal of the second
    provider's assignment must take the first one (already written) back with it."""
    first, second = scored
    from durchstarten.organisation import services as organisation_services

    monkeypatch.setattr(services.organisation_services, "assignment_validate", lambda **kw: None)
    original = organisation_services.assignment_create
    calls = []

    def failing_second(**kwargs):
        calls.append(kwargs["provider"])
        if len(calls) == 2:
            raise ValidationError({"municipalities": ["Konflikt"]})
        return original(**kwargs)

    monkeypatch.setattr(services.organisation_services, "assignment_create", failing_second)
    with pytest.raises(ValidationError):
        services.call_decide(
            actor=coordinator,
            call=review_call,
            version=1,
            choices=_choices(review_call, towns, [first, first, second]),
            note="Büro vor Ort",
        )
    assert len(calls) == 2
    assert not ProviderAssignment.objects.exists()
    assert not Award.objects.exists()
    review_call.refresh_from_db()
    assert review_call.status == CallStatus.REVIEW


def test_a_decided_call_is_read_only(coordinator, review_call, towns, scored):
    first, second = scored
    services.call_decide(
        actor=coordinator,
        call=review_call,
        version=1,
        choices=_choices(review_call, towns, [first, first, first]),
        note="",
    )
    review_call.refresh_from_db()
    closed = "Das Verfahren ist abgeschlossen."
    attempts = [
        lambda: services.call_update(actor=coordinator, call=review_call, version=2, title="Neu"),
        lambda: services.call_cancel(actor=coordinator, call=review_call, version=2, reason="x"),
        lambda: services.criterion_create(
            actor=coordinator, call=review_call, name="Neu", weight=1
        ),
        lambda: services.bid_update(actor=coordinator, bid=first, version=1, note="x"),
        lambda: services.scores_save(
            actor=coordinator, bid=first, entries=_entries(review_call, {"Konzept": 1})
        ),
        lambda: services.call_decide(
            actor=coordinator, call=review_call, version=2, choices={}, note=""
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as caught:
            attempt()
        assert _messages(caught.value)[0].startswith(closed)
    assert Bid.objects.count() == 2
    assert Criterion.objects.filter(call=review_call).count() == 2


def test_it_leaves_a_tie_at_the_top_to_the_coordinator(
    coordinator, second_coordinator, review_call, provider, other_provider, towns, make_bid
):
    panel = [coordinator, second_coordinator]
    first = make_bid(review_call, provider, towns)
    second = make_bid(review_call, other_provider, towns)
    score_evenly(first, panel, 7)
    score_evenly(second, panel, 7)
    record = selectors.call_record(review_call)
    proposal = services.decision_proposal(record)
    assert all(set(top) == {first, second} for top in proposal.values())
    # Either tied bid follows the ranking, so no reason is needed.
    services.call_decide(
        actor=coordinator,
        call=review_call,
        version=1,
        choices=_choices(review_call, towns, [second, first, second]),
    )
    assert ProviderAssignment.objects.count() == 2


def test_it_wants_at_least_one_award(coordinator, review_call, towns, scored):
    with pytest.raises(ValidationError) as caught:
        services.call_decide(
            actor=coordinator,
            call=review_call,
            version=1,
            choices=_choices(review_call, towns, [None, None, None]),
            note="Keine geeigneten Träger",
        )
    assert _messages(caught.value) == [
        "Bitte vergeben Sie mindestens eine Kommune – oder brechen Sie das Verfahren ab."
    ]
