"""Participants of a list, checked by the rules of the cases services and written in bulk.

Running each row through `participant_create`, `residence_status_record`, `consent_give`,
`enrollment_enter`, `enrollment_exit` and `outreach_record` costs a dozen queries and six
audit entries per row, twice (check and import). Here the same rules run in memory against
what the district holds, loaded once (staff, coaching assignments, the actor's roles), and the
records are written with `bulk_create`. The records equal those the services would create
(tests/imports/test_bulk.py compares them), except for the audit log: see
`services._finish`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from durchstarten.cases import names
from durchstarten.cases.choices import ConsentPurpose, OutreachResult, Stage
from durchstarten.cases.models import (
    Consent,
    Enrollment,
    Outreach,
    Participant,
    ParticipantNameKey,
    ResidenceStatus,
)
from durchstarten.cases.services import participants as participant_services
from durchstarten.cases.services._common import not_in_future, period
from durchstarten.core.models import Membership, Role, User
from durchstarten.core.scoping import CASE_WORK_ROLES, DISTRICT_WIDE_ROLES, has_role
from durchstarten.imports.rows import (
    NOT_ALLOWED,
    OUTREACH_KEYS,
    STATUS_KEYS,
    CellProblem,
    RowError,
    problems_of,
    require,
)
from durchstarten.organisation.models import District, Module, ProviderAssignment

# The services' full_clean() also asks the database whether each foreign key exists, whether
# the fresh public id is unique and whether the check constraints hold: one query each per
# record. Here the references come from the district's own records (loaded by cells.Context),
# every public id is a fresh uuid4 and the constraints are the rules checked before (period,
# exit reason, one open enrollment of a new participant): so those checks are left out.
_CLEAN = {"validate_unique": False, "validate_constraints": False}
_RECORD_REFERENCES = ["participant", "recorded_by"]
OUTREACH_REQUIRED = (
    ("outreach_channel", gettext_lazy("Bitte geben Sie den Zugangsweg an.")),
    ("outreach_date", gettext_lazy("Bitte geben Sie das Datum der Kontaktaufnahme an.")),
    ("outreach_result", gettext_lazy("Bitte geben Sie das Ergebnis der Kontaktaufnahme an.")),
)


@dataclass
class Planned:
    """The unsaved records of one row, in the order the services would create them."""

    participant: Participant
    status: ResidenceStatus | None = None
    consent: Consent | None = None
    enrollment: Enrollment | None = None
    outreach: Outreach | None = None

    @property
    def records(self) -> list[models.Model]:
        return [
            r
            for r in (self.participant, self.status, self.consent, self.enrollment, self.outreach)
            if r is not None
        ]


def _checked(step: str, check, *args, **kwargs) -> None:
    try:
        check(*args, **kwargs)
    except ValidationError as error:
        raise RowError(problems_of(step, error)) from error


class ParticipantPlanner:
    """Checks a row as the services would, step by step in their order, and returns its
    unsaved records (the same field values; tests/imports/test_bulk.py holds the row through
    the services for comparison).

    Built once per file: a handful of queries, none per row. With `checked` the rows passed
    the check before (the import after the user's confirmation): the field validation
    (full_clean and the participant's own rules) depends on the cells alone, so it is not
    repeated; the rules that depend on the database (roles, staff, coaching assignments) and
    on the day are.
    """

    def __init__(self, *, actor: User, district: District, checked: bool = False):
        self.actor, self.district, self.checked = actor, district, checked
        # Creating needs a district-wide role, each further step a case work role; the
        # district-wide roles are case work roles too.
        self.may_create = has_role(actor, district.pk, DISTRICT_WIDE_ROLES)
        self.may_work = has_role(actor, district.pk, CASE_WORK_ROLES)
        self.staff = set(
            Membership.objects.filter(
                district=district, role__in=[Role.CASE_MANAGER, Role.COORDINATOR]
            ).values_list("user_id", flat=True)
        )
        # Municipality -> coaching assignments in the order `.first()` of
        # enrollment.responsible_coaching_provider sees them.
        self.coaching: dict[int, list[ProviderAssignment]] = defaultdict(list)
        assignments = (
            ProviderAssignment.objects.filter(
                module=Module.COACHING, municipalities__district=district
            )
            .select_related("provider")
            .prefetch_related("municipalities")
            .distinct()
        )
        for assignment in assignments:
            for municipality in assignment.municipalities.all():
                self.coaching[municipality.pk].append(assignment)

    def _responsible(self, municipality_id: int | None, day: dt.date):
        for assignment in self.coaching.get(municipality_id, ()):
            active = assignment.valid_until is None or assignment.valid_until >= day
            if assignment.valid_from <= day and active:
                return assignment.provider
        return None

    def _clean(self, step: str, record: models.Model, *references: str) -> None:
        if not self.checked:
            _checked(step, record.full_clean, exclude=[*_RECORD_REFERENCES, *references], **_CLEAN)

    def _allowed(self, step_column: str) -> None:
        if not self.may_work:
            raise RowError([CellProblem(step_column, str(NOT_ALLOWED))])

    def plan(self, values: dict) -> Planned:
        """The row's records, unsaved; RowError with the services' German messages."""
        fields = {k: values[k] for k in participant_services.EDITABLE_FIELDS if k in values}
        if not self.may_create:
            raise RowError([CellProblem("given_names", str(NOT_ALLOWED))])
        participant = Participant(district=self.district, **fields)
        if not self.checked:
            _checked("participant", participant_services._validate, participant, bulk=True)
        planned = Planned(participant)
        if any(key in values for key in STATUS_KEYS):
            planned.status = self._status(participant, values)
        if "consent_on" in values:
            planned.consent = self._consent(participant, values)
        if "entry_date" in values:
            require(
                values,
                "case_manager",
                gettext_lazy("Für den Eintritt nennen Sie bitte die*den Zuständige*n."),
            )
            planned.enrollment = self._enter(participant, values, planned.consent)
        if "exit_date" in values or "exit_reason" in values:
            if planned.enrollment is None:
                raise RowError(
                    [CellProblem("exit_date", _("Ein Austritt setzt ein Eintrittsdatum voraus."))]
                )
            require(values, "exit_date", gettext_lazy("Bitte geben Sie das Austrittsdatum an."))
            require(values, "exit_reason", gettext_lazy("Bitte geben Sie den Austrittsgrund an."))
            self._exit(participant, planned.enrollment, values)
        if any(key in values for key in OUTREACH_KEYS):
            planned.outreach = self._outreach(participant, values, planned.enrollment)
        return planned

    def _status(self, participant: Participant, values: dict) -> ResidenceStatus:
        require(values, "status_kind", gettext_lazy("Bitte geben Sie den Aufenthaltsstatus an."))
        require(values, "status_valid_from", gettext_lazy("Bitte geben Sie an, seit wann er gilt."))
        self._allowed("status_kind")
        status = ResidenceStatus(
            participant=participant,
            kind=values["status_kind"],
            valid_from=values["status_valid_from"],
            valid_until=values.get("status_valid_until"),
            document_note=values.get("status_note", ""),
            recorded_by=self.actor,
        )
        _checked(
            "status", period, "valid_from", status.valid_from, "valid_until", status.valid_until
        )
        self._clean("status", status)
        return status

    def _consent(self, participant: Participant, values: dict) -> Consent:
        self._allowed("consent_on")
        # A new record has no consent yet: `has_consent` cannot refuse this one.
        consent = Consent(
            participant=participant,
            purpose=ConsentPurpose.CASE_WORK,
            provider=None,
            given_on=values["consent_on"],
            form_language=values.get("consent_language", "de"),
            recorded_by=self.actor,
        )
        _checked("consent", not_in_future, "given_on", consent.given_on)
        self._clean("consent", consent)
        return consent

    def _enter(self, participant: Participant, values: dict, consent: Consent | None) -> Enrollment:
        self._allowed("entry_date")
        entry_date, case_manager = values["entry_date"], values["case_manager"]
        _checked("enrollment", not_in_future, "entry_date", entry_date)
        missing = [
            str(Participant._meta.get_field(name).verbose_name)
            for name, value in (
                ("date_of_birth", participant.date_of_birth),
                ("municipality", participant.municipality_id),
            )
            if not value
        ]
        if missing:
            message = _("Für den Eintritt fehlen noch: %(fields)s.") % {
                "fields": ", ".join(missing)
            }
            raise RowError([CellProblem("entry_date", message)])
        if consent is None or not consent.is_active_on(entry_date):
            message = _("Für den Eintritt ist eine gültige Einwilligung in die Fallarbeit nötig.")
            raise RowError([CellProblem("entry_date", message)])
        provider = values.get("coaching_provider") or self._responsible(
            participant.municipality_id, entry_date
        )
        problems = []
        if case_manager.pk not in self.staff:
            problems.append(
                CellProblem(
                    "case_manager", _("Die Person ist im Kreis nicht im Teilhabemanagement tätig.")
                )
            )
        if provider is not None and provider.district_id != participant.district_id:
            problems.append(
                CellProblem("coaching_provider", _("Der Träger gehört nicht zu diesem Kreis."))
            )
        if problems:
            raise RowError(problems)
        participant.stage = Stage.ACTIVE
        participant.case_manager = case_manager
        participant.coaching_provider = provider
        participant.coach = None
        return Enrollment(
            participant=participant,
            entry_date=entry_date,
            case_manager=case_manager,
            coaching_provider=provider,
            coach=None,
            recorded_by=self.actor,
        )

    def _exit(self, participant: Participant, enrollment: Enrollment, values: dict) -> None:
        self._allowed("exit_date")
        exit_date = values["exit_date"]
        _checked("exit", not_in_future, "exit_date", exit_date)
        _checked("exit", period, "entry_date", enrollment.entry_date, "exit_date", exit_date)
        enrollment.exit_date = exit_date
        enrollment.exit_reason = values["exit_reason"]
        enrollment.exit_note = ""
        self._clean("exit", enrollment, "case_manager", "coaching_provider", "coach")
        # enrollment_exit saves the entered enrollment once more: its version goes up.
        enrollment.version += 1
        participant.stage = Stage.EXITED

    def _outreach(
        self, participant: Participant, values: dict, enrollment: Enrollment | None
    ) -> Outreach:
        for key, message in OUTREACH_REQUIRED:
            require(values, key, message)
        self._allowed("outreach_date")
        outreach = Outreach(
            participant=participant,
            channel=values["outreach_channel"],
            date=values["outreach_date"],
            result=values["outreach_result"],
            note="",
            recorded_by=self.actor,
        )
        _checked("outreach", not_in_future, "date", outreach.date)
        if outreach.result == OutreachResult.ENTERED and enrollment is None:
            raise RowError(
                [
                    CellProblem(
                        "outreach_result",
                        _("„Eingetreten“ setzt einen erfassten Eintritt voraus."),
                    )
                ]
            )
        self._clean("outreach", outreach)
        return outreach


def participants_write(planned: list[Planned], *, chunk: int, step=None) -> None:
    """Write the planned records, `chunk` rows at a time (inside the caller's transaction)."""
    for start in range(0, len(planned), chunk):
        part = planned[start : start + chunk]
        Participant.objects.bulk_create([p.participant for p in part])
        # bulk_create copies the participants' fresh primary keys into the records above.
        for model, attribute in (
            (ResidenceStatus, "status"),
            (Consent, "consent"),
            (Enrollment, "enrollment"),
            (Outreach, "outreach"),
        ):
            model.objects.bulk_create(
                [getattr(p, attribute) for p in part if getattr(p, attribute) is not None]
            )
        # The keys participant_create stores (cases.services.participants._store_name_keys).
        ParticipantNameKey.objects.bulk_create(
            [
                ParticipantNameKey(participant=p.participant, key=key)
                for p in part
                for key in sorted(names.name_keys(p.participant.full_name))
            ]
        )
        if step is not None:
            step(len(part))
