"""Writes to the provider selection: calls, criteria, bids, scores and the decision.

Web, API, import and commands all call these. Every write checks the actor's role, the
state of the call (draft → open → review → decided | cancelled) and writes an audit entry.
A decided or cancelled call is the record of the procedure and is never changed again.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from durchstarten.core.audit import log_action
from durchstarten.core.models import Membership, Role, User
from durchstarten.core.scoping import require_role
from durchstarten.core.services import STALE_VERSION, save_with_version
from durchstarten.organisation import services as organisation_services
from durchstarten.organisation.models import District, Municipality, Provider, ProviderAssignment
from durchstarten.selection.models import (
    MAX_SCORE,
    MIN_SCORE,
    Award,
    Bid,
    Call,
    CallStatus,
    Criterion,
    Score,
)
from durchstarten.selection.selectors import call_record

MANAGING_ROLES = {Role.COORDINATOR}
FULL_WEIGHT = Decimal("100")

CALL_FIELDS = ("module", "title", "description", "valid_from", "valid_until", "deadline")
CRITERION_FIELDS = ("name", "weight", "description")
BID_FIELDS = ("received_on", "proposed_fte", "note", "late_reason")

# What may still change in a call, by state. Once bids come in, the published terms
# (module, area, period, criteria) are fixed: bidders relied on them.
EDITABLE = {
    CallStatus.DRAFT: frozenset({*CALL_FIELDS, "municipalities", "reviewers"}),
    CallStatus.OPEN: frozenset({"description", "deadline", "reviewers"}),
    CallStatus.REVIEW: frozenset({"reviewers"}),
}

WRONG_STATUS = _("Im Stand „%(status)s“ ist das nicht möglich.")
CLOSED = _(
    "Das Verfahren ist abgeschlossen. Seine Unterlagen bleiben unverändert erhalten und "
    "können nicht mehr bearbeitet werden."
)
LOCKED_FIELDS = _(
    "Im Stand „%(status)s“ können diese Angaben nicht mehr geändert werden: %(fields)s."
)
NO_MUNICIPALITY = _("Bitte wählen Sie mindestens eine Kommune.")
FOREIGN_MUNICIPALITIES = _("Diese Kommunen gehören nicht zum Kreis: %(names)s.")
END_BEFORE_START = _("Das Ende darf nicht vor dem Beginn liegen.")
DEADLINE_AFTER_START = _("Die Abgabefrist muss vor dem Beginn der Zuständigkeit liegen.")
DEADLINE_PASSED = _("Die Abgabefrist ist bereits abgelaufen. Bitte setzen Sie eine neue Frist.")
DEADLINE_SHORTENED = _("Eine laufende Abgabefrist kann nur verlängert werden.")
DEADLINE_RUNNING = _(
    "Die Abgabefrist läuft noch bis einschließlich %(deadline)s. Die Bewertung kann erst "
    "danach beginnen."
)
NOT_COORDINATORS = _(
    "Nur Personen mit der Rolle Koordinierung in diesem Kreis können bewerten: %(names)s."
)
REVIEWER_HAS_SCORES = _(
    "%(names)s hat bereits Bewertungen abgegeben und kann nicht mehr aus dem Gremium "
    "entfernt werden."
)
NO_CRITERIA = _("Bitte legen Sie mindestens ein Bewertungskriterium an.")
NO_REVIEWERS = _("Bitte benennen Sie mindestens eine Person für das Bewertungsgremium.")
WEIGHTS_NOT_FULL = _(
    "Die Gewichte der Kriterien ergeben zusammen %(total)s %%. Sie müssen genau 100 %% "
    "ergeben, bevor das Verfahren eröffnet werden kann."
)
WEIGHTS_ABOVE_FULL = _(
    "Mit diesem Gewicht ergäben die Kriterien zusammen %(total)s %%. Mehr als 100 %% sind "
    "nicht möglich."
)
CRITERION_EXISTS = _("Ein Kriterium mit diesem Namen gibt es in diesem Verfahren schon.")
CRITERIA_FIXED = _("Kriterien können nur im Entwurf geändert werden.")
NO_BIDS = _(
    "Es liegt keine Interessenbekundung vor. Verlängern Sie die Frist oder brechen Sie das "
    "Verfahren ab."
)
BIDS_NOT_ACCEPTED = _(
    "Interessenbekundungen können nur erfasst werden, solange das Verfahren läuft oder "
    "bewertet wird."
)
BID_DELETE_CLOSED = _(
    "Eine Interessenbekundung kann nur gelöscht werden, solange das Verfahren läuft."
)
BID_FUTURE = _("Das Eingangsdatum darf nicht in der Zukunft liegen.")
BID_LATE = _(
    "Die Interessenbekundung ging nach der Abgabefrist (%(deadline)s) ein. Bitte begründen "
    "Sie, warum sie dennoch berücksichtigt wird."
)
BID_EXISTS = _("Von diesem Träger liegt bereits eine Interessenbekundung vor.")
BID_FOREIGN_PROVIDER = _("Der Träger gehört nicht zu diesem Kreis.")
BID_OUTSIDE_CALL = _("Diese Kommunen gehören nicht zum Verfahren: %(names)s.")
BID_SCORED = _(
    "Diese Interessenbekundung wurde bereits bewertet und kann nicht mehr geändert werden."
)
SCORING_CLOSED = _("Bewertet werden kann nur, solange das Verfahren in Bewertung ist.")
NOT_REVIEWER = _("Sie gehören nicht zum Bewertungsgremium dieses Verfahrens.")
SCORE_RANGE = _("Bitte vergeben Sie 0 bis 10 Punkte.")
COMMENT_WITHOUT_SCORE = _("Zu einem Kommentar gehört eine Punktzahl.")
INCOMPLETE = _(
    "Die Entscheidung ist erst möglich, wenn alle Interessenbekundungen vollständig bewertet "
    "sind. Es fehlen noch Bewertungen für: %(providers)s."
)
NOT_COVERED = _("%(municipality)s: „%(provider)s“ hat sich für diese Kommune nicht beworben.")
NOTHING_AWARDED = _(
    "Bitte vergeben Sie mindestens eine Kommune – oder brechen Sie das Verfahren ab."
)
DEVIATION_NEEDS_REASON = _(
    "Sie weichen bei %(municipalities)s von der Rangfolge ab. Bitte begründen Sie die Entscheidung."
)
CANCEL_REASON_REQUIRED = _("Bitte geben Sie den Grund für den Abbruch an.")
ASSIGNMENT_NOTE = _("Zuschlag im Interessenbekundungsverfahren „%(title)s“")


def _date(value: dt.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def _names(items) -> str:
    return ", ".join(sorted(str(item) for item in items))


def _require_manager(actor: User, call: Call) -> None:
    require_role(actor, call.district_id, MANAGING_ROLES)


def _require_status(call: Call, *allowed: str, message=WRONG_STATUS) -> None:
    if call.is_closed:
        raise ValidationError(CLOSED, code="closed")
    if call.status not in allowed:
        raise ValidationError(message % {"status": call.get_status_display()}, code="wrong_status")


def _locked(call: Call) -> Call:
    """Re-read the call under a row lock so that state changes serialise per call."""
    fresh = Call.objects.select_for_update().get(pk=call.pk)
    call.status = fresh.status
    return call


# --- Calls ---------------------------------------------------------------------------------


def _check_call(call: Call, municipalities: list[Municipality], reviewers: list[User]) -> None:
    errors: dict[str, list] = {}
    if not municipalities:
        errors["municipalities"] = [NO_MUNICIPALITY]
    foreign = [m.name for m in municipalities if m.district_id != call.district_id]
    if foreign:
        errors["municipalities"] = [FOREIGN_MUNICIPALITIES % {"names": _names(foreign)}]
    if call.valid_until is not None and call.valid_until < call.valid_from:
        errors["valid_until"] = [END_BEFORE_START]
    if call.deadline >= call.valid_from:
        errors["deadline"] = [DEADLINE_AFTER_START]
    allowed = set(
        Membership.objects.filter(
            district_id=call.district_id, role=Role.COORDINATOR, user__in=reviewers
        ).values_list("user_id", flat=True)
    )
    outsiders = [str(r) for r in reviewers if r.pk not in allowed]
    if outsiders:
        errors["reviewers"] = [NOT_COORDINATORS % {"names": _names(outsiders)}]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def call_create(
    *,
    actor: User,
    district: District,
    module: int,
    title: str,
    valid_from: dt.date,
    deadline: dt.date,
    municipalities: Iterable[Municipality],
    valid_until: dt.date | None = None,
    description: str = "",
    reviewers: Iterable[User] = (),
) -> Call:
    """A new call in draft; it opens with call_open once its criteria are complete."""
    require_role(actor, district.pk, MANAGING_ROLES)
    call = Call(
        district=district,
        module=module,
        title=title,
        description=description,
        valid_from=valid_from,
        valid_until=valid_until,
        deadline=deadline,
    )
    municipalities, reviewers = list(municipalities), list(reviewers)
    _check_call(call, municipalities, reviewers)
    call.full_clean()
    call.save()
    call.municipalities.set(municipalities)
    call.reviewers.set(reviewers)
    log_action(
        "selection.call.created",
        actor=actor,
        obj=call,
        data={
            "module": module,
            "municipalities": sorted(m.ags for m in municipalities),
            "reviewers": sorted(r.pk for r in reviewers),
        },
    )
    return call


@transaction.atomic
def call_update(
    *,
    actor: User,
    call: Call,
    version: int,
    municipalities: Iterable[Municipality] | None = None,
    reviewers: Iterable[User] | None = None,
    **fields,
) -> Call:
    """Change what the call's state still allows (see EDITABLE); the rest is refused."""
    _require_manager(actor, call)
    _locked(call)
    _require_status(call, *EDITABLE)
    unknown = set(fields) - set(CALL_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    old_deadline = call.deadline
    changed = [n for n in CALL_FIELDS if n in fields and fields[n] != getattr(call, n)]
    old_municipalities = list(call.municipalities.all())
    new_municipalities = old_municipalities if municipalities is None else list(municipalities)
    old_reviewers = list(call.reviewers.all())
    new_reviewers = old_reviewers if reviewers is None else list(reviewers)
    if {m.pk for m in new_municipalities} != {m.pk for m in old_municipalities}:
        changed.append("municipalities")
    if {r.pk for r in new_reviewers} != {r.pk for r in old_reviewers}:
        changed.append("reviewers")
    locked = [name for name in changed if name not in EDITABLE[call.status]]
    if locked:
        labels = [str(Call._meta.get_field(name).verbose_name) for name in locked]
        raise ValidationError(
            LOCKED_FIELDS % {"status": call.get_status_display(), "fields": ", ".join(labels)},
            code="locked",
        )
    for name in changed:
        if name in CALL_FIELDS:
            setattr(call, name, fields[name])
    if call.status == CallStatus.OPEN and call.deadline < old_deadline:
        raise ValidationError({"deadline": DEADLINE_SHORTENED}, code="deadline_shortened")
    _check_call(call, new_municipalities, new_reviewers)
    removed = {r.pk for r in old_reviewers} - {r.pk for r in new_reviewers}
    scored = set(
        Score.objects.filter(bid__call=call, reviewer__in=removed).values_list(
            "reviewer_id", flat=True
        )
    )
    if scored:
        names = [str(r) for r in old_reviewers if r.pk in scored]
        raise ValidationError({"reviewers": REVIEWER_HAS_SCORES % {"names": _names(names)}})
    call.full_clean()
    save_with_version(
        call, expected_version=version, fields=[n for n in changed if n in CALL_FIELDS]
    )
    if "municipalities" in changed:
        call.municipalities.set(new_municipalities)
    if "reviewers" in changed:
        call.reviewers.set(new_reviewers)
    log_action("selection.call.changed", actor=actor, obj=call, data={"fields": changed})
    return call


def _transition(call: Call, *, actor: User, version: int, to: str, **extra) -> Call:
    previous = call.status
    call.status = to
    for name, value in extra.items():
        setattr(call, name, value)
    save_with_version(call, expected_version=version, fields=["status", *extra])
    log_action(
        f"selection.call.{to}",
        actor=actor,
        obj=call,
        data={"from": previous, "to": to},
    )
    return call


def call_open_problems(call: Call) -> list[str]:
    """What still keeps a draft from opening, in German (empty when it may open)."""
    criteria = list(call.criteria.all())
    problems = []
    if not criteria:
        problems.append(str(NO_CRITERIA))
    else:
        total = sum((c.weight for c in criteria), start=Decimal(0))
        if total != FULL_WEIGHT:
            problems.append(WEIGHTS_NOT_FULL % {"total": formats.number_format(total, 2)})
    if not call.reviewers.exists():
        problems.append(str(NO_REVIEWERS))
    if not call.municipalities.exists():
        problems.append(str(NO_MUNICIPALITY))
    if call.deadline < timezone.localdate():
        problems.append(str(DEADLINE_PASSED))
    return problems


@transaction.atomic
def call_open(*, actor: User, call: Call, version: int) -> Call:
    """Publish the call: criteria weighing exactly 100 %, a panel, a deadline not yet passed."""
    _require_manager(actor, call)
    _locked(call)
    _require_status(call, CallStatus.DRAFT)
    errors = call_open_problems(call)
    if errors:
        raise ValidationError(errors, code="not_ready")
    return _transition(call, actor=actor, version=version, to=CallStatus.OPEN)


@transaction.atomic
def call_start_review(*, actor: User, call: Call, version: int) -> Call:
    """Close the submissions after the deadline; scoring starts."""
    _require_manager(actor, call)
    _locked(call)
    _require_status(call, CallStatus.OPEN)
    # Every provider may submit up to and including the deadline.
    if timezone.localdate() <= call.deadline:
        raise ValidationError(
            DEADLINE_RUNNING % {"deadline": _date(call.deadline)}, code="deadline_running"
        )
    if not call.bids.exists():
        raise ValidationError(NO_BIDS, code="no_bids")
    return _transition(call, actor=actor, version=version, to=CallStatus.REVIEW)


@transaction.atomic
def call_cancel(*, actor: User, call: Call, version: int, reason: str) -> Call:
    _require_manager(actor, call)
    _locked(call)
    _require_status(call, CallStatus.DRAFT, CallStatus.OPEN, CallStatus.REVIEW)
    if not reason.strip():
        raise ValidationError({"reason": CANCEL_REASON_REQUIRED}, code="required")
    return _transition(
        call, actor=actor, version=version, to=CallStatus.CANCELLED, cancel_reason=reason.strip()
    )


# --- Criteria ------------------------------------------------------------------------------


def _check_criterion(criterion: Criterion) -> None:
    others = Criterion.objects.filter(call_id=criterion.call_id).exclude(pk=criterion.pk)
    if others.filter(name__iexact=criterion.name.strip()).exists():
        raise ValidationError({"name": CRITERION_EXISTS}, code="exists")
    total = sum(others.values_list("weight", flat=True), start=Decimal(0)) + criterion.weight
    if total > FULL_WEIGHT:
        raise ValidationError(
            {"weight": WEIGHTS_ABOVE_FULL % {"total": formats.number_format(total, 2)}},
            code="weights",
        )


@transaction.atomic
def criterion_create(
    *, actor: User, call: Call, name: str, weight: Decimal, description: str = ""
) -> Criterion:
    _require_manager(actor, call)
    _locked(call)
    _require_status(call, CallStatus.DRAFT, message=CRITERIA_FIXED)
    criterion = Criterion(call=call, name=name.strip(), weight=weight, description=description)
    _check_criterion(criterion)
    criterion.full_clean()
    criterion.save()
    log_action(
        "selection.criterion.created",
        actor=actor,
        obj=criterion,
        district_id=call.district_id,
        data={"call": str(call.public_id), "weight": str(weight)},
    )
    return criterion


@transaction.atomic
def criterion_update(*, actor: User, criterion: Criterion, version: int, **fields) -> Criterion:
    call = criterion.call
    _require_manager(actor, call)
    _locked(call)
    _require_status(call, CallStatus.DRAFT, message=CRITERIA_FIXED)
    changed = [n for n in CRITERION_FIELDS if n in fields and fields[n] != getattr(criterion, n)]
    for name in changed:
        setattr(criterion, name, fields[name])
    criterion.name = criterion.name.strip()
    _check_criterion(criterion)
    criterion.full_clean()
    save_with_version(criterion, expected_version=version, fields=changed)
    log_action(
        "selection.criterion.changed",
        actor=actor,
        obj=criterion,
        district_id=call.district_id,
        data={"fields": changed, "weight": str(criterion.weight)},
    )
    return criterion


@transaction.atomic
def criterion_delete(*, actor: User, criterion: Criterion) -> None:
    call = criterion.call
    _require_manager(actor, call)
    _locked(call)
    _require_status(call, CallStatus.DRAFT, message=CRITERIA_FIXED)
    log_action(
        "selection.criterion.deleted",
        actor=actor,
        obj=criterion,
        district_id=call.district_id,
        data={"call": str(call.public_id)},
    )
    criterion.delete()


# --- Bids ----------------------------------------------------------------------------------


def _check_bid(bid: Bid, call: Call, municipalities: list[Municipality]) -> None:
    errors: dict[str, list] = {}
    if bid.provider.district_id != call.district_id:
        errors["provider"] = [BID_FOREIGN_PROVIDER]
    elif Bid.objects.filter(call=call, provider=bid.provider).exclude(pk=bid.pk).exists():
        errors["provider"] = [BID_EXISTS]
    if bid.received_on > timezone.localdate():
        errors["received_on"] = [BID_FUTURE]
    elif bid.received_on > call.deadline and not bid.late_reason.strip():
        errors["late_reason"] = [BID_LATE % {"deadline": _date(call.deadline)}]
    if not municipalities:
        errors["municipalities"] = [NO_MUNICIPALITY]
    in_call = set(call.municipalities.values_list("pk", flat=True))
    outside = [m.name for m in municipalities if m.pk not in in_call]
    if outside:
        errors["municipalities"] = [BID_OUTSIDE_CALL % {"names": _names(outside)}]
    if errors:
        raise ValidationError(errors)


def _bid_data(bid: Bid, municipalities: list[Municipality]) -> dict:
    return {
        "call": str(bid.call.public_id),
        "provider": str(bid.provider.public_id),
        "municipalities": sorted(m.ags for m in municipalities),
        "late": bid.received_on > bid.call.deadline,
    }


@transaction.atomic
def bid_create(
    *,
    actor: User,
    call: Call,
    provider: Provider,
    received_on: dt.date,
    municipalities: Iterable[Municipality],
    proposed_fte: Decimal,
    note: str = "",
    late_reason: str = "",
) -> Bid:
    """Record a provider's bid while the call is open (or in review, e.g. for a bid sent in
    time but recorded late); one arriving after the deadline needs a reason."""
    _require_manager(actor, call)
    _locked(call)
    _require_status(call, CallStatus.OPEN, CallStatus.REVIEW, message=BIDS_NOT_ACCEPTED)
    bid = Bid(
        call=call,
        provider=provider,
        received_on=received_on,
        proposed_fte=proposed_fte,
        note=note,
        late_reason=late_reason,
        recorded_by=actor,
    )
    municipalities = list(municipalities)
    _check_bid(bid, call, municipalities)
    bid.full_clean()
    bid.save()
    bid.municipalities.set(municipalities)
    log_action(
        "selection.bid.created",
        actor=actor,
        obj=bid,
        district_id=call.district_id,
        data=_bid_data(bid, municipalities),
    )
    return bid


@transaction.atomic
def bid_update(
    *,
    actor: User,
    bid: Bid,
    version: int,
    municipalities: Iterable[Municipality] | None = None,
    **fields,
) -> Bid:
    """Correct a bid until the first score for it exists; the provider stays."""
    call = bid.call
    _require_manager(actor, call)
    _locked(call)
    _require_status(call, CallStatus.OPEN, CallStatus.REVIEW, message=BIDS_NOT_ACCEPTED)
    if bid.scores.exists():
        raise ValidationError(BID_SCORED, code="scored")
    unknown = set(fields) - set(BID_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    changed = [n for n in BID_FIELDS if n in fields and fields[n] != getattr(bid, n)]
    for name in changed:
        setattr(bid, name, fields[name])
    municipalities = list(bid.municipalities.all() if municipalities is None else municipalities)
    _check_bid(bid, call, municipalities)
    bid.full_clean()
    save_with_version(bid, expected_version=version, fields=changed)
    bid.municipalities.set(municipalities)
    log_action(
        "selection.bid.changed",
        actor=actor,
        obj=bid,
        district_id=call.district_id,
        data={"fields": changed, **_bid_data(bid, municipalities)},
    )
    return bid


@transaction.atomic
def bid_delete(*, actor: User, bid: Bid) -> None:
    """Remove a bid recorded by mistake or withdrawn, while submissions are still open."""
    call = bid.call
    _require_manager(actor, call)
    _locked(call)
    _require_status(call, CallStatus.OPEN, message=BID_DELETE_CLOSED)
    log_action(
        "selection.bid.deleted",
        actor=actor,
        obj=bid,
        district_id=call.district_id,
        data={"call": str(call.public_id), "provider": str(bid.provider.public_id)},
    )
    bid.delete()


# --- Scores --------------------------------------------------------------------------------


def is_reviewer(user: User, call: Call) -> bool:
    return call.reviewers.filter(pk=user.pk).exists()


@transaction.atomic
def scores_save(
    *,
    actor: User,
    bid: Bid,
    entries: Mapping[int, tuple[int | None, str, int | None]],
) -> list[Score]:
    """Save the actor's own scores of one bid: criterion id -> (points, comment, version).

    Points ``None`` leaves a criterion unscored (and removes an earlier score of the actor);
    ``version`` is that of the score the form was built from (None if there was none), so
    edits in two browser tabs cannot overwrite each other unnoticed.
    """
    call = bid.call
    _require_manager(actor, call)
    _locked(call)
    _require_status(call, CallStatus.REVIEW, message=SCORING_CLOSED)
    if not is_reviewer(actor, call):
        raise ValidationError(NOT_REVIEWER, code="not_reviewer")
    criteria = {c.pk: c for c in call.criteria.all()}
    existing = {s.criterion_id: s for s in Score.objects.filter(bid=bid, reviewer=actor)}
    errors: dict[str, list] = {}
    for criterion_id, (value, comment, _version) in entries.items():
        if criterion_id not in criteria:
            raise ValidationError(NOT_REVIEWER, code="foreign_criterion")
        if value is not None and not MIN_SCORE <= value <= MAX_SCORE:
            errors[f"score_{criterion_id}"] = [SCORE_RANGE]
        elif value is None and comment.strip():
            errors[f"score_{criterion_id}"] = [COMMENT_WITHOUT_SCORE]
    if errors:
        raise ValidationError(errors)
    saved, changes = [], {}
    for criterion_id, (value, comment, version) in entries.items():
        score = existing.get(criterion_id)
        if score is not None and version != score.version:
            raise ValidationError(STALE_VERSION, code="stale")
        if score is None and version is not None:
            raise ValidationError(STALE_VERSION, code="stale")
        key = str(criteria[criterion_id].public_id)
        if value is None:
            if score is not None:
                score.delete()
                changes[key] = None
            continue
        if score is None:
            try:
                with transaction.atomic():
                    score = Score.objects.create(
                        bid=bid,
                        criterion=criteria[criterion_id],
                        reviewer=actor,
                        value=value,
                        comment=comment.strip(),
                    )
            except IntegrityError as error:
                raise ValidationError(STALE_VERSION, code="stale") from error
            changes[key] = value
        elif (score.value, score.comment) != (value, comment.strip()):
            score.value, score.comment = value, comment.strip()
            save_with_version(score, expected_version=version, fields=["value", "comment"])
            changes[key] = value
        saved.append(score)
    if changes:
        log_action(
            "selection.scores.saved",
            actor=actor,
            obj=bid,
            district_id=call.district_id,
            data={"call": str(call.public_id), "scores": changes},
        )
    return saved


# --- Decision ------------------------------------------------------------------------------


def _top_bids(results, municipality: Municipality) -> list[Bid]:
    covering = [r for r in results if r.complete and municipality in r.bid.municipalities.all()]
    if not covering:
        return []
    best = min(r.rank for r in covering)
    return [r.bid for r in covering if r.rank == best]


def decision_proposal(record) -> dict[int, list[Bid]]:
    """Per municipality of the call (pk): the best-ranked bids covering it (several on a tie)."""
    return {m.pk: _top_bids(record.results, m) for m in record.municipalities}


@transaction.atomic
def call_decide(
    *,
    actor: User,
    call: Call,
    version: int,
    choices: Mapping[int, Bid | None],
    note: str = "",
) -> list[ProviderAssignment]:
    """Decide the call: per municipality (pk) the winning bid, or None for no award.

    Creates one ProviderAssignment per winning provider through the organisation service,
    which enforces one provider per district, module, municipality and day; any conflict
    aborts the whole decision (nothing is written). Choosing other than the best-ranked bid
    for a municipality needs a reason in ``note``.
    """
    _require_manager(actor, call)
    _locked(call)
    _require_status(call, CallStatus.REVIEW)
    record = call_record(call)
    incomplete = [str(r.bid.provider) for r in record.unranked]
    if not record.results or incomplete:
        raise ValidationError(
            INCOMPLETE % {"providers": _names(incomplete) or "–"}, code="incomplete"
        )
    bids = {b.pk: b for b in record.bids}
    proposal = decision_proposal(record)
    won: dict[int, list[Municipality]] = {}
    deviations, errors = [], []
    for municipality in record.municipalities:
        bid = choices.get(municipality.pk)
        if bid is not None and bid.pk not in bids:
            raise ValidationError(NOT_COVERED % {"municipality": municipality, "provider": bid})
        bid = bids.get(bid.pk) if bid is not None else None
        if bid is not None and municipality not in bid.municipalities.all():
            errors.append(
                NOT_COVERED % {"municipality": municipality.name, "provider": bid.provider}
            )
            continue
        top = proposal[municipality.pk]
        if top and (bid is None or bid not in top):
            deviations.append(municipality.name)
        if bid is not None:
            won.setdefault(bid.pk, []).append(municipality)
    if errors:
        raise ValidationError(errors, code="not_covered")
    if not won:
        raise ValidationError(NOTHING_AWARDED, code="nothing_awarded")
    if deviations and not note.strip():
        raise ValidationError(
            {"note": DEVIATION_NEEDS_REASON % {"municipalities": ", ".join(deviations)}},
            code="deviation",
        )
    # All conflicts at once, with the organisation service's own messages; assignment_create
    # checks again under its district lock.
    conflicts = []
    for bid_pk, municipalities in won.items():
        try:
            organisation_services.assignment_validate(
                provider=bids[bid_pk].provider,
                module=call.module,
                municipalities=municipalities,
                valid_from=call.valid_from,
                valid_until=call.valid_until,
            )
        except ValidationError as error:
            conflicts.extend(error.messages)
    if conflicts:
        raise ValidationError({"municipalities": conflicts}, code="overlap")
    _transition(
        call,
        actor=actor,
        version=version,
        to=CallStatus.DECIDED,
        decided_at=timezone.now(),
        decided_by=actor,
        decision_note=note.strip(),
    )
    ranking = {r.bid.pk: r for r in record.results}
    assignments = []
    for bid_pk in sorted(won, key=lambda pk: (ranking[pk].rank, str(bids[pk].provider))):
        bid = bids[bid_pk]
        assignment = organisation_services.assignment_create(
            actor=actor,
            provider=bid.provider,
            module=call.module,
            municipalities=won[bid_pk],
            valid_from=call.valid_from,
            valid_until=call.valid_until,
            note=str(ASSIGNMENT_NOTE % {"title": call.title}),
        )
        assignments.append(assignment)
        Award.objects.bulk_create(
            [Award(call=call, municipality=m, bid=bid, assignment=assignment) for m in won[bid_pk]]
        )
    log_action(
        "selection.call.decision",
        actor=actor,
        obj=call,
        data={
            "ranking": [
                {
                    "bid": str(r.bid.public_id),
                    "provider": str(r.bid.provider.public_id),
                    "points": str(r.points),
                    "rank": r.rank,
                    "tied": r.tied,
                }
                for r in record.results
            ],
            "awards": {
                m.ags: str(bids[bid_pk].public_id)
                for bid_pk, municipalities in won.items()
                for m in municipalities
            },
            "assignments": [str(a.public_id) for a in assignments],
            "deviations": sorted(m.ags for m in record.municipalities if m.name in deviations),
        },
    )
    return assignments
