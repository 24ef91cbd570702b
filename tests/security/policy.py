"""The permission policy: one row per URL name, the expected answer per role, method and target.

Plain data without Django imports, so that scripts/permission-doc can read it on its own.
tests/security/test_permission_matrix.py checks every cell against the running application;
docs/permissions.md is generated from it.

Targets (which object the URL's ids point to, seen from a user of district A, provider P1):

- ``own``: a record of the user's district that belongs to their provider P1 (for records
  without a provider: any record of district A);
- ``other_provider``: a record of district A that belongs to the other provider P2;
- ``other_district``: the corresponding record of district B (another tenant);
- ``missing``: an id that exists nowhere (for two ids: the parent is ``own``, the child missing);
- ``cross``: the parent (participant) is ``own``, the child id belongs to district B;
- ``none``: the URL has no ids.

Expected statuses: 200 page or form (an empty POST re-renders the form with errors),
302 redirect after a write or to the page, 403 forbidden for the role, 404 not visible,
405 method not allowed. Another tenant's record always answers exactly like a record that does
not exist (404, or the role's 403 for the whole route): never 200, never a tell-tale 403.
Anonymous requests are always redirected to the login page (302) and change nothing.
"""

ROLES = ("coordinator", "case_manager", "coach", "provider_staff", "state_analyst", "admin")
ANONYMOUS = "anonymous"

OBJECT_TARGETS = ("own", "other_provider", "other_district", "missing")
NESTED_TARGETS = (*OBJECT_TARGETS, "cross")
NO_TARGET = ("none",)

# URL names that are public or belong to another layer, and why.
PUBLIC = {
    "login": "Anmeldung – öffentlich / login, public",
    "logout": "Abmeldung – öffentlich / logout, public",
    "set_language": "Sprachwahl – öffentlich / language switch, public",
    "healthz": "Lebenszeichen für die Überwachung, nur „ok“ – öffentlich / liveness, public",
}
# Namespaces and names left out of the matrix: Django's admin site has its own permission
# system (is_staff / model permissions); static files are served outside the URLconf; the
# REST API has its own matrix (policy_api.py, test_api_matrix.py).
EXCLUDED_NAMESPACES = ("admin", "api")
EXCLUDED_NAMES = ("static",)

CO, CM, CH, PS, SA, AD = ROLES


def obj(own, other_provider=None):
    """The answers for the object targets of a role that may use the route."""
    return {
        "own": own,
        "other_provider": own if other_provider is None else other_provider,
        "other_district": 404,
        "missing": 404,
        "cross": 404,
    }


def roles(default, **by_role):
    """Expected answer per role: `default` for every role not named."""
    return {role: by_role.get(role, default) for role in ROLES}


def only(allowed, answer, *, denied=403):
    """`answer` for the allowed roles, `denied` for all others."""
    return {role: answer if role in allowed else denied for role in ROLES}


DISTRICT = (CO, CM)
CASE_WORK = (CO, CM, CH)
DIRECTORY = (CO, CM, CH, PS)
ASSIGNMENT_READERS = (CO, CM, CH, PS)
STATEWIDE = (SA, AD)
MANAGING = (CO, PS)
INBOX = (CO, PS)


def case_page(answer):
    """A page of the case file: district staff see every case of the district, a coach only
    their provider's; provider staff, analysts and admins never see a case file (404)."""
    return {
        CO: obj(answer),
        CM: obj(answer),
        CH: obj(answer, 404),
        PS: 404,
        SA: 404,
        AD: 404,
    }


def case_work(answer):
    """Like case_page, but the view first requires a case work role (403 for the others)."""
    return {**case_page(answer), PS: 403, SA: 403, AD: 403}


def everyone(answer):
    return dict.fromkeys(ROLES, answer)


P = {"public_id": ("participant", "public_id")}


def route(name, targets, expect, *, args=None, htmx=False, search=False, kind="page", note=""):
    return {
        "name": name,
        "targets": targets,
        "args": args or {},
        "expect": expect,
        "htmx": htmx,
        "search": search,
        "kind": kind,
        "note": note,
    }


ROUTES = [
    # --- core ------------------------------------------------------------------------------
    route(
        "home",
        NO_TARGET,
        {"GET": everyone(200), "POST": everyone(200)},
        kind="dashboard",
        note="Startseite je Rolle; nimmt jede Methode an, schreibt nichts",
    ),
    route(
        "switch_membership",
        NO_TARGET,
        {"GET": everyone(405), "POST": everyone(302)},
        note="wechselt nur zwischen eigenen Mitgliedschaften",
    ),
    route(
        "list_filter",
        NO_TARGET,
        {"GET": everyone(405), "POST": everyone(302)},
        note="legt die Filter einer Liste in der Sitzung ab und leitet mit Kennung weiter;"
        " ohne gültiges Listenziel zur Startseite, nichts gespeichert",
    ),
    # --- organisation ------------------------------------------------------------------------
    route(
        "organisation:district_overview",
        NO_TARGET,
        {"GET": only(DISTRICT, 200), "POST": only(DISTRICT, 200)},
        kind="dashboard",
    ),
    route(
        "organisation:district_list",
        NO_TARGET,
        {"GET": only(STATEWIDE, 200), "POST": only(STATEWIDE, 200)},
        kind="list",
    ),
    route(
        "organisation:provider_list",
        NO_TARGET,
        {"GET": only(DISTRICT, 200), "POST": only(DISTRICT, 200)},
        kind="list",
        htmx=True,
        search=True,
    ),
    route(
        "organisation:provider_create",
        NO_TARGET,
        {"GET": only((CO,), 200), "POST": only((CO,), 200)},
    ),
    route(
        "organisation:provider_detail",
        OBJECT_TARGETS,
        {"GET": only(DISTRICT, obj(200)), "POST": only(DISTRICT, obj(200))},
        args={"public_id": ("provider", "public_id")},
    ),
    route(
        "organisation:provider_edit",
        OBJECT_TARGETS,
        {"GET": only((CO,), obj(200)), "POST": only((CO,), obj(200))},
        args={"public_id": ("provider", "public_id")},
    ),
    route(
        "organisation:assignment_list",
        NO_TARGET,
        {"GET": only(ASSIGNMENT_READERS, 200), "POST": only(ASSIGNMENT_READERS, 200)},
        kind="list",
    ),
    route(
        "organisation:assignment_create",
        NO_TARGET,
        {"GET": only((CO,), 200), "POST": only((CO,), 200)},
    ),
    route(
        "organisation:assignment_edit",
        OBJECT_TARGETS,
        {"GET": only((CO,), obj(200)), "POST": only((CO,), obj(200))},
        args={"public_id": ("assignment", "public_id")},
    ),
    route(
        "organisation:assignment_delete",
        OBJECT_TARGETS,
        {"GET": only((CO,), obj(200)), "POST": only((CO,), obj(302))},
        args={"public_id": ("assignment", "public_id")},
    ),
    route(
        "organisation:position_list",
        NO_TARGET,
        {"GET": only(DISTRICT, 200), "POST": only(DISTRICT, 200)},
        kind="list",
    ),
    route(
        "organisation:position_create",
        NO_TARGET,
        {"GET": only((CO,), 200), "POST": only((CO,), 200)},
    ),
    route(
        "organisation:position_edit",
        OBJECT_TARGETS,
        {"GET": only((CO,), obj(200)), "POST": only((CO,), obj(200))},
        args={"public_id": ("position", "public_id")},
    ),
    route(
        "organisation:position_delete",
        OBJECT_TARGETS,
        {"GET": only((CO,), obj(200)), "POST": only((CO,), obj(302))},
        args={"public_id": ("position", "public_id")},
    ),
    # --- cases: records, status, outreach, consent, enrollment -------------------------------
    route(
        "cases:participant_list",
        NO_TARGET,
        {"GET": only(CASE_WORK, 200), "POST": only(CASE_WORK, 200)},
        kind="list",
        htmx=True,
        search=True,
    ),
    route(
        "cases:participant_create",
        NO_TARGET,
        {"GET": only(DISTRICT, 200), "POST": only(DISTRICT, 200)},
    ),
    route(
        "cases:contact_first",
        NO_TARGET,
        {"GET": only(DISTRICT, 200), "POST": only(DISTRICT, 200)},
    ),
    route(
        "cases:participant_detail",
        OBJECT_TARGETS,
        {"GET": case_page(200), "POST": everyone(405)},
        args=P,
    ),
    route(
        "cases:participant_edit",
        OBJECT_TARGETS,
        {"GET": case_page(200), "POST": case_page(200)},
        args=P,
    ),
    *(
        route(
            f"cases:{name}",
            OBJECT_TARGETS,
            {"GET": everyone(405), "POST": case_page(200)},
            args=P,
            note="leeres Formular: Seite mit Fehlern",
        )
        for name in (
            "status_create",
            "outreach_create",
            "consent_create",
            "enrollment_enter",
            "enrollment_exit",
            "enrollment_reassign",
        )
    ),
    route(
        "cases:consent_withdraw",
        NESTED_TARGETS,
        {"GET": case_page(200), "POST": case_page(302)},
        args={**P, "consent_id": ("consent", "public_id")},
    ),
    # --- cases: needs, plan, contacts, tasks -------------------------------------------------
    route(
        "cases:need_create",
        OBJECT_TARGETS,
        {"GET": case_work(200), "POST": case_work(200)},
        args=P,
    ),
    route(
        "cases:need_edit",
        NESTED_TARGETS,
        {"GET": case_work(200), "POST": case_work(200)},
        args={**P, "need_id": ("need", "public_id")},
    ),
    route(
        "cases:goal_create",
        OBJECT_TARGETS,
        {"GET": case_work(200), "POST": case_work(200)},
        args=P,
    ),
    route(
        "cases:goal_status",
        NESTED_TARGETS,
        {"GET": case_work(200), "POST": case_work(200)},
        args={**P, "goal_id": ("goal", "public_id")},
    ),
    route(
        "cases:step_create",
        NESTED_TARGETS,
        {"GET": case_work(200), "POST": case_work(200)},
        args={**P, "goal_id": ("goal", "public_id")},
    ),
    route(
        "cases:step_complete",
        NESTED_TARGETS,
        {"GET": everyone(405), "POST": case_work(302)},
        args={**P, "step_id": ("step", "public_id")},
    ),
    route(
        "cases:contact_create",
        OBJECT_TARGETS,
        {"GET": case_work(200), "POST": case_work(200)},
        args=P,
    ),
    route(
        "cases:contact_note",
        NESTED_TARGETS,
        {
            # Notes: only the responsible case manager and coach, and the coordinators.
            # P2's participant has another case manager.
            "GET": {**case_work(200), CM: obj(200, 404)},
            "POST": everyone(405),
        },
        args={**P, "contact_id": ("contact", "public_id")},
    ),
    route(
        "cases:participant_task_create",
        OBJECT_TARGETS,
        {"GET": case_work(200), "POST": case_work(200)},
        args=P,
    ),
    route(
        "cases:my_tasks",
        NO_TARGET,
        {"GET": only(CASE_WORK, 200), "POST": everyone(405)},
        kind="list",
    ),
    route(
        "cases:task_create",
        NO_TARGET,
        {"GET": only(CASE_WORK, 200), "POST": only(CASE_WORK, 200)},
    ),
    route(
        "cases:task_complete",
        OBJECT_TARGETS,
        {
            "GET": everyone(405),
            "POST": {CO: obj(302), CM: obj(302), CH: obj(302, 404), PS: 403, SA: 403, AD: 403},
        },
        args={"task_id": ("task", "public_id")},
    ),
    # --- offers ------------------------------------------------------------------------------
    route(
        "offers:offer_list",
        NO_TARGET,
        {"GET": only(DIRECTORY, 200), "POST": everyone(405)},
        kind="list",
        htmx=True,
        search=True,
    ),
    route(
        "offers:offer_export",
        NO_TARGET,
        {"GET": only(DIRECTORY, 200), "POST": everyone(405)},
        kind="export",
        search=True,
    ),
    route(
        "offers:offer_create",
        NO_TARGET,
        {"GET": only(MANAGING, 200), "POST": only(MANAGING, 200)},
    ),
    route(
        "offers:offer_detail",
        OBJECT_TARGETS,
        {"GET": only(DIRECTORY, obj(200)), "POST": everyone(405)},
        args={"public_id": ("offer", "public_id")},
        note="Angebote enthalten keine Personendaten: der ganze Kreis sieht sie",
    ),
    route(
        "offers:offer_edit",
        OBJECT_TARGETS,
        {
            "GET": {**only(MANAGING, obj(200)), PS: obj(200, 403)},
            "POST": {**only(MANAGING, obj(200)), PS: obj(200, 403)},
        },
        args={"public_id": ("offer", "public_id")},
        note="Träger-Mitarbeitende bearbeiten nur Angebote ihres Trägers",
    ),
    route(
        "offers:inbox",
        NO_TARGET,
        {"GET": only(INBOX, 200), "POST": everyone(405)},
        kind="list",
    ),
    route(
        "offers:inbox_transition",
        OBJECT_TARGETS,
        {
            "GET": everyone(405),
            "POST": {**only(INBOX, obj(302)), PS: obj(302, 404)},
        },
        args={"referral_id": ("referral", "public_id")},
    ),
    route(
        "offers:gaps",
        NO_TARGET,
        {"GET": only(DISTRICT, 200), "POST": everyone(405)},
        kind="dashboard",
    ),
    route(
        "offers:gaps_export",
        NO_TARGET,
        {"GET": only(DISTRICT, 200), "POST": everyone(405)},
        kind="export",
    ),
    route(
        "offers:participant_section",
        OBJECT_TARGETS,
        {"GET": case_page(200), "POST": everyone(405)},
        args=P,
        htmx=True,
        kind="fragment",
        note="htmx-Abschnitt; ohne htmx Weiterleitung zur Seite",
    ),
    route(
        "offers:propose",
        NESTED_TARGETS,
        {"GET": everyone(405), "POST": case_page(302)},
        args={**P, "offer_id": ("offer", "public_id")},
    ),
    route(
        "offers:participant_transition",
        NESTED_TARGETS,
        {"GET": everyone(405), "POST": case_page(302)},
        args={**P, "referral_id": ("referral", "public_id")},
    ),
    route(
        "offers:outcome_create",
        OBJECT_TARGETS,
        {"GET": case_page(200), "POST": case_page(200)},
        args=P,
    ),
    # --- reporting ---------------------------------------------------------------------------
    route(
        "reporting:dashboard",
        NO_TARGET,
        {"GET": only(DISTRICT, 200), "POST": everyone(405)},
        kind="dashboard",
        note="Kennzahlen des eigenen Kreises; Zahlen verlinken auf die Personen dahinter",
    ),
    route(
        "reporting:dashboard_export",
        NO_TARGET,
        {"GET": only(DISTRICT, 200), "POST": everyone(405)},
        kind="export",
        note="Kennzahlenbericht als XLSX (Standard), PDF oder JSON; protokolliert",
    ),
    route(
        "reporting:persons",
        NO_TARGET,
        {"GET": only(DISTRICT, 200), "POST": everyone(405)},
        kind="list",
        search=True,
        note="Personen hinter einer Kennzahl (ohne Angabe: Eintritte); protokolliert",
    ),
    route(
        "reporting:definitions",
        NO_TARGET,
        {"GET": everyone(200), "POST": everyone(405)},
        note="Hilfeseite ohne Daten eines Kreises",
    ),
    route(
        "reporting:target_list",
        NO_TARGET,
        {"GET": only((CO,), 200), "POST": everyone(405)},
        kind="list",
        search=True,
    ),
    route(
        "reporting:target_create",
        NO_TARGET,
        {"GET": only((CO,), 200), "POST": only((CO,), 200)},
    ),
    route(
        "reporting:target_edit",
        OBJECT_TARGETS,
        {"GET": only((CO,), obj(200)), "POST": only((CO,), obj(200))},
        args={"public_id": ("target", "public_id")},
    ),
    route(
        "reporting:target_delete",
        OBJECT_TARGETS,
        {"GET": only((CO,), obj(200)), "POST": only((CO,), obj(302))},
        args={"public_id": ("target", "public_id")},
    ),
    # State view: aggregated, suppressed figures for state analysts only. Admins run IT and
    # get the analyst role as well if they need the figures (least privilege).
    route(
        "reporting:state",
        NO_TARGET,
        {"GET": only((SA,), 200), "POST": everyone(405)},
        kind="dashboard",
        note="Landesübersicht: Zahlen je Kreis, kleine Zahlen gesperrt, keine Personen",
    ),
    route(
        "reporting:state_export",
        NO_TARGET,
        {"GET": only((SA,), 200), "POST": everyone(405)},
        kind="export",
        note="Landesübersicht als CSV (Standard) oder XLSX, wie angezeigt; protokolliert",
    ),
    # --- funding -----------------------------------------------------------------------------
    # Money is the coordinating office's: coordinators only, everyone else 403.
    route(
        "funding:overview",
        NO_TARGET,
        {"GET": only((CO,), 200), "POST": everyone(405)},
        kind="dashboard",
    ),
    *(
        route(
            f"funding:year_report_{kind}",
            NO_TARGET,
            {"GET": only((CO,), 200), "POST": everyone(405)},
            kind="export",
            note="Nachweis-Entwurf des Jahres; jeder Export wird protokolliert",
        )
        for kind in ("xlsx", "pdf")
    ),
    route(
        "funding:grant_list",
        NO_TARGET,
        {"GET": only((CO,), 200), "POST": everyone(405)},
        kind="list",
        search=True,
    ),
    route(
        "funding:grant_create",
        NO_TARGET,
        {"GET": only((CO,), 200), "POST": only((CO,), 200)},
    ),
    route(
        "funding:grant_detail",
        OBJECT_TARGETS,
        {"GET": only((CO,), obj(200)), "POST": everyone(405)},
        args={"public_id": ("grant", "public_id")},
    ),
    *(
        route(
            f"funding:{name}",
            OBJECT_TARGETS,
            {"GET": only((CO,), obj(200)), "POST": only((CO,), obj(200))},
            args={"public_id": ("grant", "public_id")},
            note="leeres Formular: Seite mit Fehlern",
        )
        for name in ("grant_edit", "grant_budget", "own_share_create", "contract_create")
    ),
    route(
        "funding:grant_delete",
        OBJECT_TARGETS,
        {"GET": only((CO,), obj(200)), "POST": only((CO,), obj(302))},
        args={"public_id": ("grant", "public_id")},
        note="mit Verträgen oder Ausgaben abgelehnt: zurück zur Bewilligung",
    ),
    *(
        route(
            f"funding:grant_report_{kind}",
            OBJECT_TARGETS,
            {"GET": only((CO,), obj(200)), "POST": everyone(405)},
            args={"public_id": ("grant", "public_id")},
            kind="export",
            note="Nachweis-Entwurf einer Bewilligung; jeder Export wird protokolliert",
        )
        for kind in ("xlsx", "pdf")
    ),
    *(
        route(
            f"funding:{kind}_{action}",
            OBJECT_TARGETS,
            {
                "GET": only((CO,), obj(200)),
                "POST": only((CO,), obj(302 if action == "delete" else 200)),
            },
            args={"public_id": (kind, "public_id")},
        )
        for kind in ("own_share", "contract", "expenditure")
        for action in ("edit", "delete")
    ),
    route(
        "funding:expenditure_list",
        NO_TARGET,
        {"GET": only((CO,), 200), "POST": everyone(405)},
        kind="list",
        search=True,
    ),
    route(
        "funding:expenditure_create",
        NO_TARGET,
        {"GET": only((CO,), 200), "POST": only((CO,), 200)},
    ),
    # --- selection ---------------------------------------------------------------------------
    # Bids and scores are confidential to the coordinating office (case managers may work for
    # a bidding provider): only coordinators reach the provider selection.
    route(
        "selection:call_list",
        NO_TARGET,
        {"GET": only((CO,), 200), "POST": everyone(405)},
        kind="list",
        htmx=True,
        search=True,
    ),
    route(
        "selection:call_create",
        NO_TARGET,
        {"GET": only((CO,), 200), "POST": only((CO,), 200)},
    ),
    route(
        "selection:call_detail",
        OBJECT_TARGETS,
        {"GET": only((CO,), obj(200)), "POST": everyone(405)},
        args={"public_id": ("call", "public_id")},
        note="Verfahren ohne Träger: Index 1 und 2 sind zwei Verfahren des Kreises",
    ),
    *(
        route(
            f"selection:{name}",
            OBJECT_TARGETS,
            {"GET": only((CO,), obj(200)), "POST": only((CO,), obj(200))},
            args={"public_id": (kind, "public_id")},
            note=note,
        )
        for name, kind, note in (
            ("call_edit", "draft_call", "leeres Formular: Seite mit Fehlern"),
            ("call_open", "draft_call", "Bestätigungsseite; ohne Version: Seite mit Fehlern"),
            ("call_review", "open_call", "Bestätigungsseite; ohne Version: Seite mit Fehlern"),
            ("call_cancel", "open_call", "leeres Formular: Seite mit Fehlern"),
            ("call_decide", "call", "leeres Formular: Seite mit Fehlern"),
            ("criterion_create", "draft_call", "leeres Formular: Seite mit Fehlern"),
            ("bid_create", "open_call", "leeres Formular: Seite mit Fehlern"),
        )
    ),
    route(
        "selection:criterion_edit",
        NESTED_TARGETS,
        {"GET": only((CO,), obj(200)), "POST": only((CO,), obj(200))},
        args={
            "public_id": ("draft_call", "public_id"),
            "criterion_id": ("criterion", "public_id"),
        },
    ),
    route(
        "selection:criterion_delete",
        NESTED_TARGETS,
        {"GET": only((CO,), obj(200)), "POST": only((CO,), obj(302))},
        args={
            "public_id": ("draft_call", "public_id"),
            "criterion_id": ("criterion", "public_id"),
        },
    ),
    route(
        "selection:bid_edit",
        NESTED_TARGETS,
        {"GET": only((CO,), obj(200)), "POST": only((CO,), obj(200))},
        args={"public_id": ("open_call", "public_id"), "bid_id": ("open_bid", "public_id")},
    ),
    route(
        "selection:bid_delete",
        NESTED_TARGETS,
        {"GET": only((CO,), obj(200)), "POST": only((CO,), obj(302))},
        args={"public_id": ("open_call", "public_id"), "bid_id": ("open_bid", "public_id")},
    ),
    route(
        "selection:score_edit",
        NESTED_TARGETS,
        {"GET": only((CO,), obj(200)), "POST": only((CO,), obj(200))},
        args={"public_id": ("call", "public_id"), "bid_id": ("bid", "public_id")},
        note="nur Mitglieder des Bewertungsgremiums; leeres Formular: Seite mit Fehlern",
    ),
    route(
        "organisation:caseload",
        NO_TARGET,
        {"GET": only(DISTRICT, 200), "POST": everyone(405)},
        kind="dashboard",
        note="Fallzahlen je Teilhabemanager*in und Coach gegen 1:100",
    ),
    # --- network -----------------------------------------------------------------------------
    route(
        "network:meeting_list",
        NO_TARGET,
        {"GET": only(DISTRICT, 200), "POST": everyone(405)},
        kind="list",
        htmx=True,
        search=True,
    ),
    route(
        "network:meeting_create",
        NO_TARGET,
        {"GET": only((CO,), 200), "POST": only((CO,), 200)},
    ),
    route(
        "network:meeting_detail",
        OBJECT_TARGETS,
        {"GET": only(DISTRICT, obj(200)), "POST": everyone(405)},
        args={"public_id": ("meeting", "public_id")},
    ),
    route(
        "network:meeting_edit",
        OBJECT_TARGETS,
        {"GET": only((CO,), obj(200)), "POST": only((CO,), obj(200))},
        args={"public_id": ("meeting", "public_id")},
    ),
    route(
        "network:meeting_delete",
        OBJECT_TARGETS,
        {"GET": only((CO,), obj(200)), "POST": only((CO,), obj(200, 302))},
        args={"public_id": ("meeting", "public_id")},
        note="eine Sitzung mit offenen Aufgaben wird nicht gelöscht (Hinweis statt Löschung)",
    ),
    route(
        "network:action_item_create",
        OBJECT_TARGETS,
        {"GET": only((CO,), obj(200)), "POST": only((CO,), obj(200))},
        args={"public_id": ("meeting", "public_id")},
    ),
    route(
        "network:action_item_complete",
        OBJECT_TARGETS,
        {"GET": everyone(405), "POST": {**only((CO,), obj(302)), CM: obj(302, 403)}},
        args={"public_id": ("action_item", "public_id")},
        note="Teilhabemanagement erledigt nur eigene Aufgaben, die Koordinierung alle",
    ),
    route(
        "network:document_list",
        NO_TARGET,
        {"GET": only(DISTRICT, 200), "POST": everyone(405)},
        kind="list",
        htmx=True,
        search=True,
    ),
    route(
        "network:document_create",
        NO_TARGET,
        {"GET": only((CO,), 200), "POST": only((CO,), 200)},
    ),
    route(
        "network:document_detail",
        OBJECT_TARGETS,
        {"GET": only(DISTRICT, obj(200)), "POST": everyone(405)},
        args={"public_id": ("document", "public_id")},
    ),
    route(
        "network:document_edit",
        OBJECT_TARGETS,
        {"GET": only((CO,), obj(200)), "POST": only((CO,), obj(200))},
        args={"public_id": ("document", "public_id")},
    ),
    route(
        "network:document_delete",
        OBJECT_TARGETS,
        {"GET": only((CO,), obj(200)), "POST": only((CO,), obj(302))},
        args={"public_id": ("document", "public_id")},
    ),
    route(
        "network:version_create",
        OBJECT_TARGETS,
        {"GET": only((CO,), obj(200)), "POST": only((CO,), obj(200))},
        args={"public_id": ("document", "public_id")},
    ),
    route(
        "network:version_download",
        OBJECT_TARGETS,
        {"GET": only(DISTRICT, obj(200)), "POST": everyone(405)},
        args={"public_id": ("document_version", "public_id")},
        kind="export",
        note="Datei als Anhang; jeder Abruf wird protokolliert",
    ),
    route(
        "network:partner_list",
        NO_TARGET,
        {"GET": only(CASE_WORK, 200), "POST": everyone(405)},
        kind="list",
        htmx=True,
        search=True,
    ),
    route(
        "network:partner_create",
        NO_TARGET,
        {"GET": only((CO,), 200), "POST": only((CO,), 200)},
    ),
    route(
        "network:partner_detail",
        OBJECT_TARGETS,
        {"GET": only(CASE_WORK, obj(200)), "POST": everyone(405)},
        args={"public_id": ("partner", "public_id")},
        note="Netzwerkpartner enthalten keine Personendaten von Teilnehmenden",
    ),
    route(
        "network:partner_edit",
        OBJECT_TARGETS,
        {"GET": only((CO,), obj(200)), "POST": only((CO,), obj(200))},
        args={"public_id": ("partner", "public_id")},
    ),
    route(
        "network:partner_delete",
        OBJECT_TARGETS,
        {"GET": only((CO,), obj(200)), "POST": only((CO,), obj(302))},
        args={"public_id": ("partner", "public_id")},
    ),
    route(
        "network:contact_create",
        OBJECT_TARGETS,
        {"GET": only((CO,), obj(200)), "POST": only((CO,), obj(200))},
        args={"public_id": ("partner", "public_id")},
    ),
    route(
        "network:contact_edit",
        OBJECT_TARGETS,
        {"GET": only((CO,), obj(200)), "POST": only((CO,), obj(200))},
        args={"public_id": ("partner_contact", "public_id")},
    ),
    route(
        "network:contact_delete",
        OBJECT_TARGETS,
        {"GET": only((CO,), obj(200)), "POST": only((CO,), obj(302))},
        args={"public_id": ("partner_contact", "public_id")},
    ),
    route(
        "network:activity_list",
        NO_TARGET,
        {"GET": only(DISTRICT, 200), "POST": everyone(405)},
        kind="list",
        htmx=True,
        search=True,
    ),
    route(
        "network:activity_create",
        NO_TARGET,
        {"GET": only(DISTRICT, 200), "POST": only(DISTRICT, 200)},
    ),
    route(
        "network:activity_edit",
        OBJECT_TARGETS,
        {
            "GET": {**only((CO,), obj(200)), CM: obj(200, 403)},
            "POST": {**only((CO,), obj(200)), CM: obj(200, 403)},
        },
        args={"public_id": ("activity", "public_id")},
        note="Teilhabemanagement ändert nur selbst erfasste Aktivitäten, die Koordinierung alle",
    ),
    route(
        "network:activity_delete",
        OBJECT_TARGETS,
        {
            "GET": {**only((CO,), obj(200)), CM: obj(200, 403)},
            "POST": {**only((CO,), obj(302)), CM: obj(302, 403)},
        },
        args={"public_id": ("activity", "public_id")},
        note="Teilhabemanagement löscht nur selbst erfasste Aktivitäten, die Koordinierung alle",
    ),
    # --- API keys (own account) ----------------------------------------------------------
    route(
        "api_tokens:list",
        NO_TARGET,
        {"GET": everyone(200), "POST": everyone(405)},
        kind="list",
        note="nur die eigenen Schlüssel",
    ),
    route(
        "api_tokens:create",
        NO_TARGET,
        {"GET": everyone(200), "POST": everyone(200)},
        note="jede angemeldete Person; der Schlüssel kann nie mehr als sie selbst",
    ),
    route(
        "api_tokens:revoke",
        OBJECT_TARGETS,
        {
            "GET": {**everyone(obj(404, 404)), CO: obj(200, 404), CM: obj(404, 200)},
            "POST": {**everyone(obj(404, 404)), CO: obj(302, 404), CM: obj(404, 302)},
        },
        args={"public_id": ("api_token", "public_id")},
        note="nur der eigene Schlüssel (Ziel „eigen“ gehört der Koordinierung, „anderer Träger“"
        " dem Teilhabemanagement); fremde antworten 404",
    ),
]


# The rows of the newer areas live in their own files (policy_<area>.py), which import the
# helpers above; they are added here so that every consumer sees one table.
from tests.security import (  # noqa: E402
    policy_accounts,
    policy_duplicates,
    policy_exports,
    policy_imports,
    policy_privacy,
)

PUBLIC["exports:calendar_feed"] = (
    "Kalender-Abonnement (ICS) – öffentlich, der geheime Schlüssel in der Adresse ist die"
    " Berechtigung / calendar feed, public, the secret token is the credential"
)
for _area in (policy_duplicates, policy_imports, policy_privacy, policy_accounts, policy_exports):
    ROUTES += _area.ROWS
    PUBLIC |= getattr(_area, "PUBLIC", {})


def expected(row: dict, method: str, role: str, target: str) -> int:
    """The expected status of one cell."""
    if role == ANONYMOUS:
        return 302
    answer = row["expect"][method][role]
    if isinstance(answer, dict):
        return answer[target]
    return answer


def by_name() -> dict[str, dict]:
    return {row["name"]: row for row in ROUTES}
