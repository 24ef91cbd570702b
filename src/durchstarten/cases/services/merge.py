"""Merging two records of the same person into one, keeping the history of both."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Max, Q
from django.utils.translation import gettext_lazy as _

from durchstarten.cases.choices import Gender, GermanLevel, Literacy, Stage
from durchstarten.cases.models import (
    DuplicateDismissal,
    DuplicateSuggestion,
    Enrollment,
    Participant,
    ParticipantMerge,
    ParticipantNameKey,
    Task,
)
from durchstarten.cases.services._common import require_case_work
from durchstarten.cases.services.participants import EDITABLE_FIELDS, _store_name_keys
from durchstarten.core.audit import log_action
from durchstarten.core.models import User
from durchstarten.core.scoping import DISTRICT_WIDE_ROLES, require_role
from durchstarten.core.services import STALE_VERSION

SAME_RECORD = _("Ein Datensatz kann nicht mit sich selbst zusammengeführt werden.")
OTHER_DISTRICT = _("Datensätze verschiedener Kreise können nicht zusammengeführt werden.")
BOTH_ENROLLED = _(
    "Beide Personen sind derzeit im Programm. Bitte erfassen Sie zuerst bei einem der "
    "Datensätze den Austritt und führen Sie sie dann zusammen."
)
CONFLICT = _(
    "Die Datensätze lassen sich nicht zusammenführen, weil beide einen Eintrag haben, den es "
    "je Person nur einmal geben darf (%(kind)s)."
)

# Values that mean "not recorded": such a field of the kept record is filled from the other.
_UNSET = {
    "gender": Gender.NOT_STATED,
    "german_level": GermanLevel.NOT_ASSESSED,
    "literacy": Literacy.NOT_ASSESSED,
    "interpreter_needed": False,
}
# Rows rebuilt or dropped by the merge itself rather than moved.
_NOT_MOVED = (ParticipantNameKey, DuplicateSuggestion, DuplicateDismissal)
# Automatic follow-ups keyed by the participant's id (cases.services.tasks).
_PARTICIPANT_TASK_KEYS = ("age_limit", "no_contact")


def participant_references() -> list[models.ForeignKey]:
    """Every foreign key to Participant, of every installed model (hidden ones included), so a
    model added later is moved by the merge without being named here."""
    return [
        relation.field
        for relation in Participant._meta.get_fields(include_hidden=True)
        if relation.auto_created
        and not relation.concrete
        and (relation.one_to_many or relation.one_to_one)
    ]


def moved_references() -> list[models.ForeignKey]:
    """The references a merge moves (name keys are rebuilt, duplicate pairs dropped)."""
    return [field for field in participant_references() if field.model not in _NOT_MOVED]


def _empty(name: str, value) -> bool:
    return value in (None, "", []) or _UNSET.get(name, object()) == value


def _fill_empty_fields(keep: Participant, absorb: Participant) -> list[str]:
    filled = []
    for name in EDITABLE_FIELDS:
        field = Participant._meta.get_field(name)
        attname = field.attname
        if _empty(name, getattr(keep, attname)) and not _empty(name, getattr(absorb, attname)):
            setattr(keep, attname, getattr(absorb, attname))
            filled.append(name)
    return filled


def _rekey_automatic_tasks(keep: Participant, absorb: Participant) -> None:
    """Give the absorbed record's automatic follow-ups the kept record's key, so that the next
    run does not create them again; an open one the kept record already has is dropped."""
    for prefix in _PARTICIPANT_TASK_KEYS:
        old_prefix, new_prefix = f"{prefix}:{absorb.pk}:", f"{prefix}:{keep.pk}:"
        for task in Task.objects.filter(participant=absorb, auto_key__startswith=old_prefix):
            new_key = new_prefix + task.auto_key.removeprefix(old_prefix)
            if not Task.objects.filter(auto_key=new_key).exists():
                task.auto_key = new_key
            elif task.done_at is None:
                task.delete()
                continue
            else:
                task.auto_key = None
            task.save(update_fields=["auto_key"])


def _carry_dismissals(keep: Participant, absorb: Participant) -> None:
    """ "Not the same person as X" said of the absorbed record holds for the kept one."""
    dismissals = DuplicateDismissal.objects.filter(Q(first=absorb) | Q(second=absorb))
    for dismissal in dismissals:
        other = dismissal.second_id if dismissal.first_id == absorb.pk else dismissal.first_id
        if other != keep.pk:
            first, second = sorted((keep.pk, other))
            DuplicateDismissal.objects.get_or_create(
                first_id=first,
                second_id=second,
                defaults={
                    "district_id": keep.district_id,
                    "dismissed_by_id": dismissal.dismissed_by_id,
                },
            )
    dismissals.delete()


def _move_references(keep: Participant, absorb: Participant) -> dict[str, int]:
    moved = {}
    for field in moved_references():
        model = field.model
        try:
            with transaction.atomic():
                count = model._base_manager.filter(**{field.name: absorb}).update(
                    **{field.name: keep}
                )
        except IntegrityError as error:
            kind = model._meta.verbose_name_plural or model._meta.label
            raise ValidationError(CONFLICT % {"kind": kind}, code="conflict") from error
        if count:
            moved[f"{model._meta.label_lower}.{field.name}"] = count
    return moved


def _sync_derived_fields(keep: Participant, absorb: Participant) -> list[str]:
    """Stage, responsible staff and last contact follow the merged history."""
    latest = keep.enrollments.order_by("-entry_date", "-id").first()
    changed = []
    if latest is not None:
        keep.stage = Stage.EXITED if latest.exit_date else Stage.ACTIVE
        keep.case_manager_id = latest.case_manager_id
        keep.coaching_provider_id = latest.coaching_provider_id
        keep.coach_id = latest.coach_id
        changed = ["stage", "case_manager", "coaching_provider", "coach"]
    last_contact = keep.contacts.aggregate(last=Max("date"))["last"]
    candidates = [
        day for day in (last_contact, keep.last_contact_on, absorb.last_contact_on) if day
    ]
    if candidates:
        keep.last_contact_on = max(candidates)
        changed.append("last_contact_on")
    return changed


def _lock(keep: Participant, absorb: Participant) -> None:
    """Lock both rows (in id order, so two merges of the same pair cannot deadlock) and check
    that neither changed since the caller read them."""
    expected = {keep.pk: keep.version, absorb.pk: absorb.version}
    current = dict(
        Participant.objects.select_for_update()
        .filter(pk__in=expected)
        .order_by("pk")
        .values_list("pk", "version")
    )
    if current != expected:
        raise ValidationError(STALE_VERSION, code="stale")
    # The services that keep stage, staff and last contact write without a new version.
    keep.refresh_from_db()
    absorb.refresh_from_db()


@transaction.atomic
def participant_merge(*, actor: User, keep: Participant, absorb: Participant) -> Participant:
    """Merge ``absorb`` into ``keep``: one record with the history of both.

    Every row referring to the absorbed record (status history, outreach, consents,
    enrollments, needs, plan, contacts, tasks, referrals, outcomes, and whatever refers to a
    participant in future) moves to the kept one; empty fields of the kept record are filled
    from the absorbed one, filled ones are never overwritten. The absorbed row is deleted, its
    public id leads to the kept record (``ParticipantMerge``). Refused across districts, for
    a record that changed since the caller read it (``version``), and while both are enrolled.
    """
    if keep.pk == absorb.pk:
        raise ValidationError(SAME_RECORD, code="same")
    if keep.district_id != absorb.district_id:
        raise ValidationError(OTHER_DISTRICT, code="other_district")
    require_role(actor, keep.district_id, DISTRICT_WIDE_ROLES)
    require_case_work(actor, keep)
    require_case_work(actor, absorb)
    _lock(keep, absorb)
    open_enrollments = Enrollment.objects.filter(
        participant__in=[keep, absorb], exit_date__isnull=True
    )
    if open_enrollments.count() > 1:
        raise ValidationError(BOTH_ENROLLED, code="both_enrolled")

    _carry_dismissals(keep, absorb)
    DuplicateSuggestion.objects.filter(Q(first=absorb) | Q(second=absorb)).delete()
    ParticipantNameKey.objects.filter(participant=absorb).delete()
    _rekey_automatic_tasks(keep, absorb)
    moved = _move_references(keep, absorb)
    filled = _fill_empty_fields(keep, absorb)
    derived = _sync_derived_fields(keep, absorb)

    absorbed_public_id = absorb.public_id
    log_action(
        "cases.participant.absorbed",
        actor=actor,
        obj=absorb,
        data={"kept": str(keep.public_id), "absorbed": str(absorbed_public_id)},
    )
    absorb.delete()
    ParticipantMerge.objects.create(
        district_id=keep.district_id,
        kept=keep,
        absorbed_public_id=absorbed_public_id,
        merged_by=actor,
    )
    keep.version += 1
    keep.save(update_fields=[*filled, *derived, "version", "updated_at"])
    _store_name_keys(keep)
    log_action(
        "cases.participant.merged",
        actor=actor,
        obj=keep,
        data={
            "kept": str(keep.public_id),
            "absorbed": str(absorbed_public_id),
            "filled": filled,
            "moved": moved,
        },
    )
    return keep
