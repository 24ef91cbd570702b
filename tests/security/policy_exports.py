"""Permission-matrix rows of the exports app (lists as XLSX/CSV, the calendar settings).

The users under test hold the export permission (world_exports); without it the personal-data
exports answer 403 as well (tests/exports/test_views.py). The ICS feed itself is public (the
token is the credential) and belongs in PUBLIC of policy.py.
"""

from tests.security.policy import CASE_WORK, DIRECTORY, INBOX, NO_TARGET, ROLES, only, roles, route

CO, CM, CH, PS, _SA, _AD = ROLES
CALENDAR = (CO, CM, CH, PS)


def _export(name, allowed, note):
    return route(
        f"exports:{name}",
        NO_TARGET,
        {"GET": only(allowed, 200), "POST": roles(405)},
        kind="export",
        note=note,
    )


ROWS = [
    *(
        _export(f"participants_{fmt}", CASE_WORK, "Fallliste wie gefiltert; braucht Exportrecht")
        for fmt in ("xlsx", "csv")
    ),
    *(
        _export(f"offers_{fmt}", DIRECTORY, "Angebotsverzeichnis wie gefiltert; keine Personen")
        for fmt in ("xlsx", "csv")
    ),
    *(
        _export(f"referrals_{fmt}", INBOX, "Vermittlungen wie gefiltert; braucht Exportrecht")
        for fmt in ("xlsx", "csv")
    ),
    *(
        _export(f"tasks_{fmt}", CASE_WORK, "eigene Wiedervorlagen; braucht Exportrecht")
        for fmt in ("xlsx", "csv")
    ),
    route(
        "exports:calendar",
        NO_TARGET,
        {"GET": only(CALENDAR, 200), "POST": only(CALENDAR, 200)},
        note="eigenes Kalenderabonnement; leeres Formular: Seite mit Fehlern",
    ),
    route(
        "exports:calendar_regenerate",
        NO_TARGET,
        {"GET": only(CALENDAR, 200), "POST": only(CALENDAR, 302)},
        note="Bestätigungsseite; nur das eigene Abonnement (ohne eines: 404)",
    ),
    route(
        "exports:calendar_revoke",
        NO_TARGET,
        {"GET": only(CALENDAR, 200), "POST": only(CALENDAR, 302)},
        note="Bestätigungsseite; nur das eigene Abonnement (ohne eines: 404)",
    ),
]
