"""Closed lists of the offers domain (values in English, labels in German)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OfferKind(models.TextChoices):
    INITIATIVE = "initiative", _("Maßnahme der Landesinitiative")
    REGULAR = "regular", _("Regelangebot")
    SPECIALIST = "specialist", _("Fachstelle (Verweisberatung)")


class OfferCategory(models.TextChoices):
    """What an offer is; the kind it belongs to is in CATEGORY_KIND."""

    COACHING = "coaching", _("Coaching")
    IN_WORK_QUALIFICATION = "in_work_qualification", _("berufsbegleitende Qualifizierung")
    SCHOOL_CERTIFICATE_COURSE = "school_certificate_course", _("Kurs zum Hauptschulabschluss")
    PREPARATION_COURSE = "preparation_course", _("Vorbereitungskurs")
    INNOVATION_PROJECT = "innovation_project", _("Projekt aus dem Innovationsfonds")
    INTEGRATION_COURSE = "integration_course", _("Integrationskurs")
    YOUTH_INTEGRATION_COURSE = "youth_integration_course", _("Jugendintegrationskurs")
    JOB_LANGUAGE_COURSE = "job_language_course", _("Berufssprachkurs")
    LITERACY_COURSE = "literacy_course", _("Alphabetisierungskurs")
    ASA_FLEX = "asa_flex", _("AsA flex")
    BERUFSKOLLEG = "berufskolleg", _("Berufskolleg")
    OTHER_REGULAR = "other_regular", _("sonstiges Regelangebot")
    PSYCHOSOCIAL_CENTRE = "psychosocial_centre", _("Psychosoziales Zentrum")
    DEBT_COUNSELLING = "debt_counselling", _("Schuldnerberatung")
    LEGAL_ADVICE = "legal_advice", _("Rechts- und Aufenthaltsberatung")
    MIGRATION_COUNSELLING = "migration_counselling", _("Migrationsberatung")
    OTHER_SPECIALIST = "other_specialist", _("sonstige Fachstelle")


CATEGORY_KIND = {
    OfferCategory.COACHING: OfferKind.INITIATIVE,
    OfferCategory.IN_WORK_QUALIFICATION: OfferKind.INITIATIVE,
    OfferCategory.SCHOOL_CERTIFICATE_COURSE: OfferKind.INITIATIVE,
    OfferCategory.PREPARATION_COURSE: OfferKind.INITIATIVE,
    OfferCategory.INNOVATION_PROJECT: OfferKind.INITIATIVE,
    OfferCategory.INTEGRATION_COURSE: OfferKind.REGULAR,
    OfferCategory.YOUTH_INTEGRATION_COURSE: OfferKind.REGULAR,
    OfferCategory.JOB_LANGUAGE_COURSE: OfferKind.REGULAR,
    OfferCategory.LITERACY_COURSE: OfferKind.REGULAR,
    OfferCategory.ASA_FLEX: OfferKind.REGULAR,
    OfferCategory.BERUFSKOLLEG: OfferKind.REGULAR,
    OfferCategory.OTHER_REGULAR: OfferKind.REGULAR,
    OfferCategory.PSYCHOSOCIAL_CENTRE: OfferKind.SPECIALIST,
    OfferCategory.DEBT_COUNSELLING: OfferKind.SPECIALIST,
    OfferCategory.LEGAL_ADVICE: OfferKind.SPECIALIST,
    OfferCategory.MIGRATION_COUNSELLING: OfferKind.SPECIALIST,
    OfferCategory.OTHER_SPECIALIST: OfferKind.SPECIALIST,
}


class ReferralState(models.TextChoices):
    PROPOSED = "proposed", _("vorgeschlagen")
    WAITING = "waiting", _("auf der Warteliste")
    ACCEPTED = "accepted", _("Platz zugesagt")
    STARTED = "started", _("begonnen")
    COMPLETED = "completed", _("abgeschlossen")
    ABORTED = "aborted", _("abgebrochen")
    DECLINED = "declined", _("abgelehnt")


# Referrals that hold a place of the offer's capacity.
PLACE_HOLDING = frozenset({ReferralState.ACCEPTED, ReferralState.STARTED})
# Referrals still going on (a second one to the same offer is refused meanwhile).
OPEN_STATES = frozenset(
    {ReferralState.PROPOSED, ReferralState.WAITING, ReferralState.ACCEPTED, ReferralState.STARTED}
)

# Allowed transitions: from-state -> to-states.
TRANSITIONS = {
    ReferralState.PROPOSED: {
        ReferralState.ACCEPTED,
        ReferralState.WAITING,
        ReferralState.DECLINED,
    },
    ReferralState.WAITING: {ReferralState.ACCEPTED, ReferralState.DECLINED},
    ReferralState.ACCEPTED: {
        ReferralState.STARTED,
        ReferralState.DECLINED,
        ReferralState.ABORTED,
    },
    ReferralState.STARTED: {ReferralState.COMPLETED, ReferralState.ABORTED},
    ReferralState.COMPLETED: set(),
    ReferralState.ABORTED: set(),
    ReferralState.DECLINED: set(),
}


class DeclinedBy(models.TextChoices):
    PARTICIPANT = "participant", _("von der Person")
    PROVIDER = "provider", _("vom Anbieter")


class OutcomeKind(models.TextChoices):
    TRAINING_DUAL = "training_dual", _("duale Ausbildung")
    TRAINING_SCHOOL = "training_school", _("schulische Ausbildung")
    EMPLOYMENT_INSURED = "employment_insured", _("sozialversicherungspflichtige Beschäftigung")
    EMPLOYMENT_MARGINAL = "employment_marginal", _("geringfügige Beschäftigung")
    ENTRY_QUALIFICATION = "entry_qualification", _("Einstiegsqualifizierung (EQ)")
    INTERNSHIP = "internship", _("Praktikum")
    SCHOOL_CERTIFICATE = "school_certificate", _("Schulabschluss erworben")
    LANGUAGE_EXAM = "language_exam", _("Sprachprüfung bestanden")


# Outcomes that count as "in training or insured employment" for module 2's eligibility.
IN_WORK_OUTCOMES = frozenset(
    {
        OutcomeKind.TRAINING_DUAL,
        OutcomeKind.TRAINING_SCHOOL,
        OutcomeKind.EMPLOYMENT_INSURED,
        OutcomeKind.ENTRY_QUALIFICATION,
    }
)
