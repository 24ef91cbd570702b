"""Permission rows of the account area (/konto/): account page, two-factor, break-glass.

The users of the security world sign in with force_login and have no authenticator, so the
pages that need one (backup codes, removal) and the code step of the login redirect.
Break-glass grants of district A belong to the admin under test; those of district B to
another admin, so another district's grant answers 404 like a missing one.
"""

from tests.security.policy import AD, CO, NO_TARGET, OBJECT_TARGETS, everyone, obj, only, route

GRANT = {"public_id": ("break_glass", "public_id")}
BREAK_GLASS_VIEWERS = (CO, AD)

# Public routes (login_not_required): single sign-on answers 404 unless configured.
PUBLIC = {
    "accounts:oidc_login": "Single Sign-on, Start – öffentlich; 404 ohne Konfiguration",
    "accounts:oidc_callback": "Single Sign-on, Rückkehr – öffentlich; 404 ohne Konfiguration",
}

ROWS = [
    route(
        "accounts:overview",
        NO_TARGET,
        {"GET": everyone(200), "POST": everyone(405)},
        kind="dashboard",
        note="eigenes Konto: Rollen, Zwei-Faktor-Stand, letzte Anmeldungen",
    ),
    route(
        "accounts:two_factor",
        NO_TARGET,
        {"GET": everyone(200), "POST": everyone(405)},
    ),
    route(
        "accounts:two_factor_setup",
        NO_TARGET,
        {"GET": everyone(200), "POST": everyone(200)},
        note="legt beim Aufruf ein unbestätigtes Gerät für das eigene Konto an",
    ),
    route(
        "accounts:backup_codes",
        NO_TARGET,
        {"GET": everyone(302), "POST": everyone(302)},
        note="ohne eingerichtete Authenticator-App zur Einrichtung weitergeleitet",
    ),
    route(
        "accounts:two_factor_remove",
        NO_TARGET,
        {"GET": everyone(302), "POST": everyone(302)},
        note="ohne eingerichtete Authenticator-App zurück zur Übersicht",
    ),
    route(
        "accounts:otp_verify",
        NO_TARGET,
        {"GET": everyone(302), "POST": everyone(302)},
        note="zweiter Anmeldeschritt; ohne offenen Schritt weiter zur Startseite",
    ),
    route(
        "accounts:break_glass_list",
        NO_TARGET,
        {"GET": only(BREAK_GLASS_VIEWERS, 200), "POST": only(BREAK_GLASS_VIEWERS, 200)},
        kind="list",
        htmx=True,
        search=True,
        note="Administration: eigene Notfallzugriffe; Koordinierung: die auf Akten des Kreises",
    ),
    route(
        "accounts:break_glass_create",
        NO_TARGET,
        {"GET": only((AD,), 200), "POST": only((AD,), 200)},
    ),
    route(
        "accounts:break_glass_participant",
        OBJECT_TARGETS,
        {"GET": only((AD,), obj(200)), "POST": everyone(405)},
        args=GRANT,
        note="Akte nur lesen, solange der eigene Notfallzugriff läuft; jeder Aufruf protokolliert",
    ),
    route(
        "accounts:break_glass_revoke",
        OBJECT_TARGETS,
        {
            "GET": only(BREAK_GLASS_VIEWERS, obj(200)),
            "POST": only(BREAK_GLASS_VIEWERS, obj(302)),
        },
        args=GRANT,
        note="beendet den Zugriff vorzeitig: die Inhaberin oder die Koordinierung des Kreises",
    ),
]
