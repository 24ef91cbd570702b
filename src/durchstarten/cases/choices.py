"""Closed lists of the case work domain (values in English, labels in German)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Gender(models.TextChoices):
    FEMALE = "female", _("weiblich")
    MALE = "male", _("männlich")
    DIVERSE = "diverse", _("divers")
    NOT_STATED = "not_stated", _("keine Angabe")


class GermanLevel(models.TextChoices):
    NOT_ASSESSED = "not_assessed", _("nicht eingeschätzt")
    A0 = "A0", _("A0 (keine Kenntnisse)")
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"


# Order of the CEFR levels for "at least" comparisons; not assessed counts as unknown.
GERMAN_LEVEL_RANK = {
    level: rank for rank, level in enumerate(["A0", "A1", "A2", "B1", "B2", "C1", "C2"])
}


class Literacy(models.TextChoices):
    NOT_ASSESSED = "not_assessed", _("nicht eingeschätzt")
    LATIN = "latin", _("alphabetisiert in lateinischer Schrift")
    OTHER_SCRIPT = "other_script", _("alphabetisiert nur in anderer Schrift")
    NONE = "none", _("nicht alphabetisiert")


class ResidenceStatusKind(models.TextChoices):
    DULDUNG = "duldung", _("Duldung")
    DULDUNG_TRAINING = "duldung_training", _("Ausbildungsduldung (§ 60c AufenthG)")
    DULDUNG_EMPLOYMENT = "duldung_employment", _("Beschäftigungsduldung (§ 60d AufenthG)")
    GESTATTUNG = "gestattung", _("Aufenthaltsgestattung")
    RESIDENCE_PERMIT = "residence_permit", _("Aufenthaltserlaubnis")
    OTHER = "other", _("sonstiger Status")


DULDUNG_KINDS = frozenset(
    {
        ResidenceStatusKind.DULDUNG,
        ResidenceStatusKind.DULDUNG_TRAINING,
        ResidenceStatusKind.DULDUNG_EMPLOYMENT,
    }
)


class TargetGroup(models.TextChoices):
    PRIMARY = "primary", _("primäre Zielgruppe")
    SECONDARY = "secondary", _("sekundäre Zielgruppe")
    OTHER_NEED = "other_need", _("sonstiger Bedarf")
    NOT_ELIGIBLE = "not_eligible", _("nicht förderfähig")
    UNDETERMINED = "undetermined", _("nicht bestimmbar")


class Stage(models.TextChoices):
    """Where a person stands in the programme; kept by the enrollment services."""

    CONTACTED = "contacted", _("in Kontaktaufnahme")
    ACTIVE = "active", _("im Programm")
    EXITED = "exited", _("ausgetreten")


class OutreachChannel(models.TextChoices):
    FOREIGNERS_AUTHORITY = "foreigners_authority", _("Liste der Ausländerbehörde")
    SOCIAL_WELFARE = "social_welfare", _("Sozialamt")
    SELF_REFERRAL = "self_referral", _("eigene Initiative der Person")
    VOLUNTEER = "volunteer", _("Ehrenamt / Netzwerk")
    COACH = "coach", _("Coaching")
    OTHER = "other", _("sonstiger Weg")


class OutreachResult(models.TextChoices):
    REACHED = "reached", _("erreicht")
    NOT_REACHED = "not_reached", _("nicht erreicht")
    DECLINED = "declined", _("abgelehnt")
    ENTERED = "entered", _("eingetreten")


# A successful outreach (for the "contacted" figure) is one that reached the person.
SUCCESSFUL_OUTREACH = frozenset(
    {OutreachResult.REACHED, OutreachResult.DECLINED, OutreachResult.ENTERED}
)


class ConsentPurpose(models.TextChoices):
    CASE_WORK = "case_work", _("Fallarbeit im Teilhabemanagement")
    PROVIDER_SHARING = "provider_sharing", _("Weitergabe an einen Träger")
    CONTACT_PHONE = "contact_phone", _("Kontakt per Telefon")
    CONTACT_MESSENGER = "contact_messenger", _("Kontakt per Messenger")


class ExitReason(models.TextChoices):
    TRAINING = "training", _("Ausbildung aufgenommen")
    EMPLOYMENT = "employment", _("Beschäftigung aufgenommen")
    QUALIFICATION = "qualification", _("Qualifizierung aufgenommen")
    MOVED_AWAY = "moved_away", _("verzogen")
    LEFT_GERMANY = "left_germany", _("ausgereist / abgeschoben")
    STATUS_CHANGE = "status_change", _("Statuswechsel aus der Zielgruppe")
    UNREACHABLE = "unreachable", _("nicht mehr erreichbar")
    AGE_LIMIT = "age_limit", _("Altersgrenze erreicht")
    OTHER = "other", _("sonstiger Grund")


class NeedCategory(models.TextChoices):
    GERMAN = "german", _("Deutsch")
    LITERACY = "literacy", _("Alphabetisierung")
    SCHOOL_CERTIFICATE = "school_certificate", _("Schulabschluss")
    VOCATIONAL_ORIENTATION = "vocational_orientation", _("Berufsorientierung")
    TRAINING_PLACE = "training_place", _("Ausbildungsplatz")
    JOB = "job", _("Arbeit")
    IN_WORK_SUPPORT = "in_work_support", _("Begleitung in Ausbildung/Arbeit")
    PSYCHOSOCIAL = "psychosocial", _("psychosoziale Unterstützung")
    LEGAL = "legal", _("Rechts- und Aufenthaltsberatung")
    DEBTS = "debts", _("Schulden")
    HOUSING = "housing", _("Wohnen")
    HEALTH = "health", _("Gesundheit")
    CHILDCARE = "childcare", _("Kinderbetreuung")
    OTHER = "other", _("Sonstiges")


class Priority(models.TextChoices):
    HIGH = "high", _("hoch")
    MEDIUM = "medium", _("mittel")
    LOW = "low", _("niedrig")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("offen")
    IN_PROGRESS = "in_progress", _("in Bearbeitung")
    MET = "met", _("gedeckt")
    DROPPED = "dropped", _("entfallen")


OPEN_NEED_STATUSES = frozenset({NeedStatus.OPEN, NeedStatus.IN_PROGRESS})


class GoalStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("goal", "offen")
    ACHIEVED = "achieved", _("erreicht")
    DROPPED = "dropped", pgettext_lazy("goal", "aufgegeben")


class ContactChannel(models.TextChoices):
    IN_PERSON = "in_person", _("persönlich")
    PHONE = "phone", _("Telefon")
    VIDEO = "video", _("Video")
    MESSENGER = "messenger", _("Messenger")


class TaskKind(models.TextChoices):
    MANUAL = "manual", _("Wiedervorlage")
    STATUS_EXPIRY = "status_expiry", _("Aufenthaltsstatus läuft ab")
    AGE_LIMIT = "age_limit", _("27. Geburtstag")
    NO_CONTACT = "no_contact", _("seit 8 Wochen kein Kontakt")
    EXIT_FOLLOW_UP = "exit_follow_up", _("Nachbefragung 6 Monate nach Austritt")


# Languages most often spoken by the target group, as ISO 639 codes.
LANGUAGES = [
    ("ar", _("Arabisch")),
    ("fa", _("Persisch (Farsi)")),
    ("prs", _("Dari")),
    ("ps", _("Paschtu")),
    ("kmr", _("Kurdisch (Kurmandschi)")),
    ("ckb", _("Kurdisch (Sorani)")),
    ("ti", _("Tigrinya")),
    ("am", _("Amharisch")),
    ("om", _("Oromo")),
    ("so", _("Somali")),
    ("tr", _("Türkisch")),
    ("ru", _("Russisch")),
    ("uk", _("Ukrainisch")),
    ("sq", _("Albanisch")),
    ("sr", _("Serbisch")),
    ("ka", _("Georgisch")),
    ("hy", _("Armenisch")),
    ("az", _("Aserbaidschanisch")),
    ("ur", _("Urdu")),
    ("bn", _("Bengalisch")),
    ("ta", _("Tamil")),
    ("fr", _("Französisch")),
    ("en", _("Englisch")),
    ("es", _("Spanisch")),
    ("pt", _("Portugiesisch")),
    ("ha", _("Hausa")),
    ("yo", _("Yoruba")),
    ("ig", _("Igbo")),
    ("ff", _("Fulfulde")),
    ("wo", _("Wolof")),
    ("mnk", _("Mandinka")),
    ("ln", _("Lingala")),
    ("sw", _("Swahili")),
    ("ro", _("Rumänisch")),
    ("de", _("Deutsch")),
    ("other", _("andere Sprache")),
]
LANGUAGE_CODES = frozenset(code for code, _label in LANGUAGES)
