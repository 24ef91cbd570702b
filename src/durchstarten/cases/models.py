import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from durchstarten.cases.choices import (
    ConsentPurpose,
    ContactChannel,
    ExitReason,
    Gender,
    GermanLevel,
    GoalStatus,
    Literacy,
    NeedCategory,
    NeedStatus,
    OutreachChannel,
    OutreachResult,
    Priority,
    ResidenceStatusKind,
    Stage,
    TaskKind,
)
from durchstarten.core.crypto import EncryptedTextField
from durchstarten.core.models import TimestampedModel

USER = settings.AUTH_USER_MODEL


def public_id_field() -> models.UUIDField:
    """The opaque id that names a record in URLs and API answers (never the sequential pk)."""
    return models.UUIDField(_("öffentliche ID"), default=uuid.uuid4, unique=True, editable=False)


def _period_ordered(name: str, start: str, end: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        name=name, condition=Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": F(start)})
    )


class Participant(TimestampedModel):
    """A person in (or being contacted for) the programme. Sozialdaten: read via selectors only.

    A minimal record (from the privacy-compliant contact procedure) needs only a name and the
    district; everything else is completed once the person takes part.
    """

    district = models.ForeignKey(
        "organisation.District",
        verbose_name=_("Kreis"),
        on_delete=models.PROTECT,
        related_name="participants",
    )
    municipality = models.ForeignKey(
        "organisation.Municipality",
        verbose_name=_("Wohnort (Kommune)"),
        on_delete=models.PROTECT,
        related_name="participants",
        null=True,
        blank=True,
    )
    given_names = models.CharField(_("Vorname(n)"), max_length=150)
    family_name = models.CharField(_("Familienname"), max_length=150, blank=True)
    date_of_birth = models.DateField(_("Geburtsdatum"), null=True, blank=True)
    gender = models.CharField(
        _("Geschlecht"), max_length=12, choices=Gender.choices, default=Gender.NOT_STATED
    )
    nationality = CountryField(_("Staatsangehörigkeit"), blank=True)
    languages = models.JSONField(_("Sprachen"), default=list, blank=True)
    german_level = models.CharField(
        _("Deutschkenntnisse"),
        max_length=12,
        choices=GermanLevel.choices,
        default=GermanLevel.NOT_ASSESSED,
    )
    literacy = models.CharField(
        _("Alphabetisierung"),
        max_length=14,
        choices=Literacy.choices,
        default=Literacy.NOT_ASSESSED,
    )
    interpreter_needed = models.BooleanField(_("Dolmetschung nötig"), default=False)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    address = models.TextField(_("Anschrift"), blank=True)
    schooling = models.TextField(_("Schulbildung"), blank=True)
    work_history = models.TextField(_("Berufserfahrung und Ausbildung"), blank=True)

    # Maintained by the enrollment services (one write path); lists filter on them.
    stage = models.CharField(
        _("Stand"), max_length=10, choices=Stage.choices, default=Stage.CONTACTED
    )
    case_manager = models.ForeignKey(
        USER,
        verbose_name=_("Teilhabemanager*in"),
        on_delete=models.SET_NULL,
        related_name="caseload",
        null=True,
        blank=True,
    )
    coaching_provider = models.ForeignKey(
        "organisation.Provider",
        verbose_name=_("Coaching-Träger"),
        on_delete=models.SET_NULL,
        related_name="coached_participants",
        null=True,
        blank=True,
    )
    coach = models.ForeignKey(
        USER,
        verbose_name=_("Coach"),
        on_delete=models.SET_NULL,
        related_name="coached_participants",
        null=True,
        blank=True,
    )
    last_contact_on = models.DateField(_("letzter Kontakt"), null=True, blank=True)
    # Written by durchstarten.privacy only: a restriction (Art. 18 GDPR) makes the record
    # read-only and hides it from lists; an anonymised record keeps statistical facts only.
    restricted_at = models.DateTimeField(
        _("eingeschränkt seit"), null=True, blank=True, editable=False
    )
    anonymised_at = models.DateTimeField(
        _("anonymisiert am"), null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("Teilnehmende*r")
        verbose_name_plural = _("Teilnehmende")
        ordering = ["family_name", "given_names"]
        indexes = [
            models.Index(fields=["district", "stage"], name="participant_district_stage"),
            models.Index(fields=["district", "family_name"], name="participant_district_name"),
            models.Index(fields=["case_manager", "stage"], name="participant_caseload"),
            models.Index(fields=["coaching_provider"], name="participant_coaching"),
            # The case list: one per sort (cases.selectors.SORTS), over the rows lists show
            # (privacy.guards.listed_q), so that its pages are index seeks at any depth.
            *(
                models.Index(
                    fields=["district", *columns, "id"],
                    name=f"participant_list_{name}",
                    condition=Q(restricted_at__isnull=True, anonymised_at__isnull=True),
                )
                for name, columns in (
                    ("name", ["family_name", "given_names"]),
                    ("birth", ["date_of_birth"]),
                    ("contact", ["last_contact_on"]),
                    ("created", ["created_at"]),
                )
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.given_names, self.family_name) if part)

    @property
    def is_minimal(self) -> bool:
        return self.date_of_birth is None or self.municipality_id is None


class ParticipantNameKey(models.Model):
    """Transliteration-tolerant search keys of a participant's names (see cases.names)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="name_keys")
    key = models.CharField(max_length=20)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "participant"], name="name_key_unique")
        ]
        indexes = [
            models.Index(fields=["participant"], name="name_key_participant"),
            # The search asks for key prefixes (LIKE 'mhmd%'); a plain index serves LIKE only
            # under the "C" collation, the pattern operator class under any. SQLite ignores it.
            models.Index(
                fields=["key", "participant"],
                name="name_key_prefix",
                opclasses=["varchar_pattern_ops", "int8_ops"],
            ),
        ]

    def __str__(self) -> str:
        return self.key


class ResidenceStatus(models.Model):
    """One entry of a participant's residence status history; entries are never overwritten."""

    public_id = public_id_field()
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="residence_statuses"
    )
    kind = models.CharField(
        _("Aufenthaltsstatus"), max_length=20, choices=ResidenceStatusKind.choices
    )
    valid_from = models.DateField(_("gültig ab"))
    valid_until = models.DateField(_("gültig bis"), null=True, blank=True)
    # Document numbers (Duldung, Gestattung) are encrypted at rest (core.crypto).
    document_note = EncryptedTextField(_("Dokument / Vermerk"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(_("erfasst am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Aufenthaltsstatus")
        verbose_name_plural = _("Aufenthaltsstatus")
        ordering = ["-valid_from", "-id"]
        constraints = [
            _period_ordered("residence_status_period_ordered", "valid_from", "valid_until")
        ]
        indexes = [models.Index(fields=["participant", "-valid_from"], name="status_history")]

    def __str__(self) -> str:
        return self.get_kind_display()


class Outreach(models.Model):
    """A contact attempt (Kontaktaufnahme) with a potential participant."""

    public_id = public_id_field()
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="outreaches"
    )
    channel = models.CharField(_("Zugangsweg"), max_length=25, choices=OutreachChannel.choices)
    date = models.DateField(_("Datum"))
    result = models.CharField(_("Ergebnis"), max_length=12, choices=OutreachResult.choices)
    note = models.CharField(_("Bemerkung"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(_("erfasst am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Kontaktaufnahme")
        verbose_name_plural = _("Kontaktaufnahmen")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["participant", "date"], name="outreach_participant_date")]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.get_result_display()}"


class Consent(models.Model):
    """A declaration of consent for one purpose (and, for sharing, one provider)."""

    public_id = public_id_field()
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("Zweck"), max_length=20, choices=ConsentPurpose.choices)
    provider = models.ForeignKey(
        "organisation.Provider",
        verbose_name=_("Träger"),
        on_delete=models.PROTECT,
        related_name="consents",
        null=True,
        blank=True,
    )
    given_on = models.DateField(_("erteilt am"))
    withdrawn_on = models.DateField(_("widerrufen am"), null=True, blank=True)
    form_language = models.CharField(_("Sprache des Formulars"), max_length=8)
    recorded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(_("erfasst am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Einwilligung")
        verbose_name_plural = _("Einwilligungen")
        ordering = ["-given_on", "-id"]
        constraints = [
            _period_ordered("consent_period_ordered", "given_on", "withdrawn_on"),
            models.CheckConstraint(
                name="consent_provider_only_for_sharing",
                condition=(Q(purpose=ConsentPurpose.PROVIDER_SHARING, provider__isnull=False))
                | (~Q(purpose=ConsentPurpose.PROVIDER_SHARING) & Q(provider__isnull=True)),
            ),
        ]
        indexes = [models.Index(fields=["participant", "purpose"], name="consent_purpose")]

    def __str__(self) -> str:
        return self.get_purpose_display()

    def is_active_on(self, day) -> bool:
        return self.given_on <= day and (self.withdrawn_on is None or self.withdrawn_on > day)


class Enrollment(models.Model):
    """One stay in the programme, from entry (Eintritt) to exit (Austritt)."""

    public_id = public_id_field()
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="enrollments"
    )
    entry_date = models.DateField(_("Eintrittsdatum"))
    case_manager = models.ForeignKey(
        USER,
        verbose_name=_("Teilhabemanager*in"),
        on_delete=models.PROTECT,
        related_name="enrollments",
    )
    coaching_provider = models.ForeignKey(
        "organisation.Provider",
        verbose_name=_("Coaching-Träger"),
        on_delete=models.PROTECT,
        related_name="enrollments",
        null=True,
        blank=True,
    )
    coach = models.ForeignKey(
        USER,
        verbose_name=_("Coach"),
        on_delete=models.SET_NULL,
        related_name="coached_enrollments",
        null=True,
        blank=True,
    )
    exit_date = models.DateField(_("Austrittsdatum"), null=True, blank=True)
    exit_reason = models.CharField(
        _("Austrittsgrund"), max_length=20, choices=ExitReason.choices, blank=True
    )
    exit_note = models.CharField(_("Bemerkung zum Austritt"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("Teilnahme")
        verbose_name_plural = _("Teilnahmen")
        ordering = ["-entry_date", "-id"]
        constraints = [
            _period_ordered("enrollment_period_ordered", "entry_date", "exit_date"),
            models.UniqueConstraint(
                fields=["participant"],
                condition=Q(exit_date__isnull=True),
                name="enrollment_one_open_per_participant",
            ),
            models.CheckConstraint(
                name="enrollment_exit_has_reason",
                condition=Q(exit_date__isnull=True, exit_reason="")
                | Q(exit_date__isnull=False) & ~Q(exit_reason=""),
            ),
        ]
        indexes = [
            models.Index(fields=["entry_date"], name="enrollment_entry"),
            models.Index(fields=["participant", "entry_date"], name="enrollment_participant"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_date:%d.%m.%Y}–{self.exit_date or ''}"


class Need(models.Model):
    public_id = public_id_field()
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="needs")
    category = models.CharField(_("Bereich"), max_length=25, choices=NeedCategory.choices)
    priority = models.CharField(
        _("Priorität"), max_length=8, choices=Priority.choices, default=Priority.MEDIUM
    )
    status = models.CharField(
        _("Stand"), max_length=12, choices=NeedStatus.choices, default=NeedStatus.OPEN
    )
    # May describe a health or psychosocial need: encrypted at rest (core.crypto).
    description = EncryptedTextField(_("Beschreibung"), max_length=300, blank=True)
    identified_on = models.DateField(_("festgestellt am"))
    closed_on = models.DateField(_("erledigt am"), null=True, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("Bedarf")
        verbose_name_plural = _("Bedarfe")
        ordering = ["status", "-identified_on"]
        indexes = [models.Index(fields=["participant", "status"], name="need_participant_status")]

    def __str__(self) -> str:
        return self.get_category_display()


class CaseGoal(models.Model):
    """A goal of the case plan (Förderplan)."""

    public_id = public_id_field()
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("Ziel"), max_length=200)
    need = models.ForeignKey(
        Need, verbose_name=_("Bedarf"), on_delete=models.SET_NULL, null=True, blank=True
    )
    status = models.CharField(
        _("Stand"), max_length=10, choices=GoalStatus.choices, default=GoalStatus.OPEN
    )
    due_date = models.DateField(_("Zieldatum"), null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Ziel")
        verbose_name_plural = _("Ziele")
        ordering = ["status", "due_date", "id"]

    def __str__(self) -> str:
        return self.title


class CaseStep(models.Model):
    """A step towards a goal, with who does it by when."""

    public_id = public_id_field()
    goal = models.ForeignKey(CaseGoal, on_delete=models.CASCADE, related_name="steps")
    title = models.CharField(_("Schritt"), max_length=200)
    owner = models.CharField(_("zuständig"), max_length=120)
    due_date = models.DateField(_("bis"), null=True, blank=True)
    done_on = models.DateField(_("erledigt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Schritt")
        verbose_name_plural = _("Schritte")
        ordering = ["done_on", "due_date", "id"]

    def __str__(self) -> str:
        return self.title


class Contact(models.Model):
    """A counselling contact (Beratungskontakt). The note is sensitive: see selectors."""

    public_id = public_id_field()
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="contacts")
    date = models.DateField(_("Datum"))
    duration_minutes = models.PositiveSmallIntegerField(_("Dauer (Minuten)"))
    channel = models.CharField(_("Form"), max_length=10, choices=ContactChannel.choices)
    language = models.CharField(_("Sprache"), max_length=8, blank=True)
    interpreter_used = models.BooleanField(_("mit Dolmetschung"), default=False)
    topics = models.JSONField(_("Themen"), default=list, blank=True)
    note = EncryptedTextField(_("Gesprächsnotiz"), blank=True)
    author = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(_("erfasst am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Beratungskontakt")
        verbose_name_plural = _("Beratungskontakte")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["participant", "-date"], name="contact_participant_date")]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.get_channel_display()}"


class Task(models.Model):
    """A follow-up (Wiedervorlage); automatic ones carry a key that makes them idempotent."""

    public_id = public_id_field()
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="tasks", null=True, blank=True
    )
    district = models.ForeignKey(
        "organisation.District", on_delete=models.PROTECT, related_name="tasks"
    )
    kind = models.CharField(
        _("Art"), max_length=16, choices=TaskKind.choices, default=TaskKind.MANUAL
    )
    title = models.CharField(_("Aufgabe"), max_length=200)
    due_date = models.DateField(_("fällig am"))
    assignee = models.ForeignKey(
        USER,
        verbose_name=_("zuständig"),
        on_delete=models.SET_NULL,
        related_name="tasks",
        null=True,
        blank=True,
    )
    auto_key = models.CharField(max_length=80, null=True, blank=True, unique=True, editable=False)
    done_at = models.DateTimeField(_("erledigt am"), null=True, blank=True)
    done_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        USER, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Wiedervorlage")
        verbose_name_plural = _("Wiedervorlagen")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["assignee", "done_at", "due_date"], name="task_inbox"),
            models.Index(fields=["participant", "done_at"], name="task_participant"),
        ]

    def __str__(self) -> str:
        return self.title


def _ordered_pair(name: str) -> models.CheckConstraint:
    # A pair is stored once, with the lower id first, so that (A, B) and (B, A) are one row.
    return models.CheckConstraint(name=name, condition=Q(first__lt=F("second")))


class DuplicateSuggestion(models.Model):
    """A pair of records of one district that may be the same person (cases.duplicates).

    Written by the district-wide check and replaced as a whole each time it runs; reasons
    are codes of cases.duplicates.Reason, so that the page shows them in the user's language.
    """

    district = models.ForeignKey(
        "organisation.District", on_delete=models.CASCADE, related_name="+"
    )
    first = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("Übereinstimmung"))
    reasons = models.JSONField(_("Gründe"), default=list)
    computed_at = models.DateTimeField(_("geprüft am"))

    class Meta:
        verbose_name = _("mögliche Dublette")
        verbose_name_plural = _("mögliche Dubletten")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_pair_unique"),
            _ordered_pair("duplicate_pair_ordered"),
        ]
        indexes = [models.Index(fields=["district", "-score"], name="duplicate_district_score")]

    def __str__(self) -> str:
        return f"{self.first_id}/{self.second_id}"


class DuplicateDismissal(models.Model):
    """A pair somebody decided is not the same person: never suggested again."""

    district = models.ForeignKey(
        "organisation.District", on_delete=models.CASCADE, related_name="+"
    )
    first = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    dismissed_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("keine Dublette")
        verbose_name_plural = _("keine Dubletten")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="dismissal_pair_unique"),
            _ordered_pair("dismissal_pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.first_id}/{self.second_id}"


class ParticipantMerge(models.Model):
    """A record merged into another (cases.services.merge): its public id leads to the kept one.

    The absorbed row itself is gone; old links and bookmarks resolve through this table. When
    the kept record is merged again, the merge moves these rows on like every other reference.
    """

    district = models.ForeignKey(
        "organisation.District", on_delete=models.CASCADE, related_name="+"
    )
    kept = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="merged_from")
    absorbed_public_id = models.UUIDField(unique=True, editable=False)
    merged_by = models.ForeignKey(USER, on_delete=models.SET_NULL, null=True, related_name="+")
    merged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Zusammenführung")
        verbose_name_plural = _("Zusammenführungen")
        ordering = ["-merged_at", "-id"]

    def __str__(self) -> str:
        return str(self.absorbed_public_id)
