"""Entry into and exit from the programme, with the responsible staff."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from durchstarten.cases.choices import ConsentPurpose, Stage
from durchstarten.cases.models import Enrollment, Participant
from durchstarten.cases.services._common import not_in_future, period, require_case_work
from durchstarten.cases.services.consent import has_consent
from durchstarten.core.audit import log_action
from durchstarten.core.models import Membership, Role, User
from durchstarten.core.services import save_with_version
from durchstarten.organisation.models import Module, Provider, ProviderAssignment


def responsible_coaching_provider(participant: Participant, day: dt.date) -> Provider | None:
    """The provider responsible for coaching (module 1) in the participant's municipality."""
    if participant.municipality_id is None:
        return None
    assignment = (
        ProviderAssignment.objects.active_on(day)
        .filter(module=Module.COACHING, municipalities=participant.municipality_id)
        .select_related("provider")
        .first()
    )
    return assignment.provider if assignment else None


def _check_staff(participant: Participant, case_manager: User, provider, coach) -> None:
    errors = {}
    if not Membership.objects.filter(
        user=case_manager,
        district_id=participant.district_id,
        role__in=[Role.CASE_MANAGER, Role.COORDINATOR],
    ).exists():
        errors["case_manager"] = _("Die Person ist im Kreis nicht im Teilhabemanagement tätig.")
    if provider is not None and provider.district_id != participant.district_id:
        errors["coaching_provider"] = _("Der Träger gehört nicht zu diesem Kreis.")
    if (
        coach is not None
        and not Membership.objects.filter(user=coach, role=Role.COACH, provider=provider).exists()
    ):
        errors["coach"] = _("Die Person ist kein Coach des gewählten Trägers.")
    if errors:
        raise ValidationError(errors)


def _sync_participant(participant: Participant, enrollment: Enrollment) -> None:
    participant.stage = Stage.EXITED if enrollment.exit_date else Stage.ACTIVE
    participant.case_manager = enrollment.case_manager
    participant.coaching_provider = enrollment.coaching_provider
    participant.coach = enrollment.coach
    participant.save(update_fields=["stage", "case_manager", "coaching_provider", "coach"])


@transaction.atomic
def enrollment_enter(
    *,
    actor: User,
    participant: Participant,
    entry_date: dt.date,
    case_manager: User,
    coaching_provider: Provider | None = None,
    coach: User | None = None,
) -> Enrollment:
    """Enter the programme (again). The coaching provider follows from the municipality
    unless one is named explicitly."""
    require_case_work(actor, participant)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    not_in_future("entry_date", entry_date)
    missing = [
        str(label)
        for label, value in (
            (Participant._meta.get_field("date_of_birth").verbose_name, participant.date_of_birth),
            (Participant._meta.get_field("municipality").verbose_name, participant.municipality_id),
        )
        if not value
    ]
    if missing:
        raise ValidationError(
            _("Für den Eintritt fehlen noch: %(fields)s.") % {"fields": ", ".join(missing)},
            code="incomplete",
        )
    if not has_consent(participant, ConsentPurpose.CASE_WORK, entry_date):
        raise ValidationError(
            _("Für den Eintritt ist eine gültige Einwilligung in die Fallarbeit nötig."),
            code="no_consent",
        )
    last = participant.enrollments.order_by("-entry_date").first()
    if last is not None and last.exit_date is None:
        raise ValidationError(_("Die Person ist bereits im Programm."), code="already_active")
    if last is not None and entry_date < last.exit_date:
        raise ValidationError(
            {
                "entry_date": _(
                    "Der Wiedereintritt kann nicht vor dem letzten Austritt (%(day)s) liegen."
                )
                % {"day": formats.date_format(last.exit_date, "SHORT_DATE_FORMAT")}
            },
            code="period",
        )
    if coaching_provider is None:
        coaching_provider = responsible_coaching_provider(participant, entry_date)
    _check_staff(participant, case_manager, coaching_provider, coach)
    enrollment = Enrollment.objects.create(
        participant=participant,
        entry_date=entry_date,
        case_manager=case_manager,
        coaching_provider=coaching_provider,
        coach=coach,
        recorded_by=actor,
    )
    _sync_participant(participant, enrollment)
    log_action(
        "cases.enrollment.entered",
        actor=actor,
        obj=participant,
        data={"re_entry": last is not None},
    )
    return enrollment


@transaction.atomic
def enrollment_reassign(
    *,
    actor: User,
    enrollment: Enrollment,
    version: int,
    case_manager: User,
    coaching_provider: Provider | None,
    coach: User | None,
) -> Enrollment:
    """Manual override of the responsible staff."""
    participant = enrollment.participant
    require_case_work(actor, participant)
    _check_staff(participant, case_manager, coaching_provider, coach)
    enrollment.case_manager = case_manager
    enrollment.coaching_provider = coaching_provider
    enrollment.coach = coach
    save_with_version(
        enrollment, expected_version=version, fields=["case_manager", "coaching_provider", "coach"]
    )
    if enrollment.exit_date is None:
        _sync_participant(participant, enrollment)
    log_action("cases.enrollment.reassigned", actor=actor, obj=participant)
    return enrollment


@transaction.atomic
def enrollment_exit(
    *,
    actor: User,
    enrollment: Enrollment,
    version: int,
    exit_date: dt.date,
    exit_reason: str,
    exit_note: str = "",
) -> Enrollment:
    participant = enrollment.participant
    require_case_work(actor, participant)
    if enrollment.exit_date is not None:
        raise ValidationError(_("Der Austritt ist bereits erfasst."), code="already_exited")
    not_in_future("exit_date", exit_date)
    period("entry_date", enrollment.entry_date, "exit_date", exit_date)
    enrollment.exit_date = exit_date
    enrollment.exit_reason = exit_reason
    enrollment.exit_note = exit_note
    enrollment.full_clean(exclude=["participant", "case_manager", "coaching_provider", "coach"])
    save_with_version(
        enrollment, expected_version=version, fields=["exit_date", "exit_reason", "exit_note"]
    )
    _sync_participant(participant, enrollment)
    log_action("cases.enrollment.exited", actor=actor, obj=participant)
    return enrollment
