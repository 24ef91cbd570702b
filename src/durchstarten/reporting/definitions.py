"""German labels and definitions of the KPI report's figures, for the help page and the exports.

The rules themselves are in reporting.kpi; these texts describe them and must stay in step
(tests/reporting/test_kpi.py checks every key of the report has a label).
"""

from django.utils.translation import gettext_lazy as _

DEFINITIONS = [
    (
        "contacted",
        _("Erreichte Personen"),
        _(
            "Verschiedene Personen der Zielgruppe (primär: Duldung, sekundär: "
            "Aufenthaltsgestattung; 18 bis 27 Jahre alt), mit denen im Berichtszeitraum eine "
            "Kontaktaufnahme gelungen ist (Ergebnis „erreicht“, „abgelehnt“ oder "
            "„eingetreten“). Status und Alter gelten am Tag der Kontaktaufnahme."
        ),
    ),
    (
        "entered",
        _("Eintritte"),
        _(
            "Verschiedene Personen, deren Teilnahme (Eintritt in das Teilhabemanagement) im "
            "Berichtszeitraum begonnen hat. Wer nach einem Austritt erneut eintritt, zählt "
            "einmal."
        ),
    ),
    (
        "entry_rate",
        _("Eintrittsquote"),
        _("Eintritte geteilt durch erreichte Personen desselben Zeitraums."),
    ),
    (
        "placed",
        _("Vermittelte Personen"),
        _(
            "Verschiedene eingetretene Personen mit mindestens einer Vermittlung, die im "
            "Berichtszeitraum begonnen hat – in eine Maßnahme der Landesinitiative "
            "(Förderbausteine 1 bis 5) oder in ein Regelangebot. Die Person muss am Tag des "
            "Beginns eingetreten sein; der Eintritt darf vor dem Berichtszeitraum liegen. "
            "Nur vorgeschlagene, abgelehnte oder nicht begonnene Vermittlungen zählen nicht. "
            "Es gilt: vermittelt = neue Maßnahmen + Regelangebote − beides."
        ),
    ),
    (
        "placed_new_measures",
        _("davon in neue Maßnahmen der Landesinitiative"),
        _("Vermittelte Personen mit mindestens einer begonnenen Maßnahme der Bausteine 1 bis 5."),
    ),
    (
        "placed_regular_offers",
        _("davon in Regelangebote"),
        _(
            "Vermittelte Personen mit mindestens einem begonnenen Regelangebot (z. B. "
            "Integrationskurs, Berufssprachkurs, AsA flex, Berufskolleg)."
        ),
    ),
    (
        "placed_both",
        _("davon in beides"),
        _(
            "Personen, die sowohl in eine neue Maßnahme als auch in ein Regelangebot vermittelt "
            "wurden; sie zählen bei den vermittelten Personen nur einmal."
        ),
    ),
    (
        "placement_rate",
        _("Vermittlungsquote"),
        _("Vermittelte Personen geteilt durch Eintritte desselben Zeitraums."),
    ),
    (
        "by_module",
        _("Personen je Förderbaustein"),
        _(
            "Bausteine 1 bis 5: verschiedene Personen, deren Vermittlung in eine Maßnahme des "
            "Bausteins im Berichtszeitraum begonnen hat; eine Person, die zweimal im selben "
            "Baustein beginnt, zählt einmal. Baustein 6 (Teilhabemanagement): die Eintritte."
        ),
    ),
    (
        "specialist_referrals",
        _("Verweisberatung an Fachstellen"),
        _(
            "Verschiedene Personen, die im Berichtszeitraum an eine Fachstelle verwiesen "
            "wurden (Datum des Vorschlags), gleich mit welchem Ergebnis."
        ),
    ),
    (
        "outcomes",
        _("Verbleib"),
        _(
            "Verschiedene Personen je Art des Verbleibs (Ausbildung, Beschäftigung, EQ, "
            "Praktikum, Schulabschluss, Sprachprüfung), der im Berichtszeitraum begonnen hat."
        ),
    ),
    (
        "exits",
        _("Austritte"),
        _("Verschiedene Personen je Austrittsgrund, deren Teilnahme im Berichtszeitraum endete."),
    ),
    (
        "targets",
        _("Zielwerte"),
        _(
            "Vom Kreis je Jahr festgelegte Ziele (Jahr des Endes des Berichtszeitraums). Ein "
            "Ziel ist erreicht, wenn der tatsächliche Wert mindestens so hoch ist. Bei "
            "mehreren Kreisen erscheint ein Ziel nur, wenn alle denselben Wert festgelegt haben."
        ),
    ),
    (
        "target_groups",
        _("Zielgruppen"),
        _(
            "Eintritte nach Zielgruppe am Tag des Eintritts: primär (Duldung, auch nach § 60c "
            "und § 60d AufenthG), sekundär (Aufenthaltsgestattung), sonstige (anderer Status, "
            "außerhalb der Altersgrenzen oder nicht bestimmbar)."
        ),
    ),
    (
        "breakdowns",
        _("Aufschlüsselung der Eintritte"),
        _(
            "Eintritte nach Geschlecht, Altersgruppe und Aufenthaltsstatus am Tag des "
            "(ersten) Eintritts im Zeitraum sowie nach Staatsangehörigkeit."
        ),
    ),
    (
        "caseload",
        _("Betreuungsschlüssel"),
        _(
            "Personen im Programm am letzten Tag des Zeitraums (eingetreten und nicht "
            "ausgetreten) je Vollzeitstelle im Teilhabemanagement (Stellen des Bausteins 6, "
            "die an diesem Tag gelten). Der Schlüssel ist 1:100."
        ),
    ),
]

LABELS = {key: label for key, label, _text in DEFINITIONS} | {
    "districts": _("Kreise"),
    "period": _("Berichtszeitraum"),
    "active": _("Personen im Programm"),
    "case_manager_fte": _("Vollzeitstellen Teilhabemanagement"),
    "per_fte": _("Personen je Vollzeitstelle"),
    "ratio": _("Betreuungsschlüssel 1:…"),
    "within_ratio": _("Schlüssel eingehalten"),
    "primary": _("primäre Zielgruppe"),
    "secondary": _("sekundäre Zielgruppe"),
    "other": _("sonstige"),
    "gender": _("Geschlecht"),
    "age_band": _("Altersgruppe"),
    "status": _("Aufenthaltsstatus"),
    "nationality": _("Staatsangehörigkeit"),
    "none": _("ohne Angabe"),
    "target": _("Ziel"),
    "actual": _("Ist"),
    "met": _("erreicht"),
}
