"""Permission-matrix rows of the privacy area (/datenschutz/): the district's coordinators only.

Objects (world_privacy): each participant of the world has a legal hold in force and a granted
erasure request that cannot be carried out (the person is still enrolled), so an empty POST to
the execute and lift pages re-renders them with the reason instead of changing anything.
"""

from tests.security.policy import NO_TARGET, OBJECT_TARGETS, ROLES, everyone, obj, only, route

CO = ROLES[0]
P = {"public_id": ("participant", "public_id")}
H = {"public_id": ("legal_hold", "public_id")}
R = {"public_id": ("privacy_request", "public_id")}


def _list(name, note):
    return route(
        f"privacy:{name}",
        NO_TARGET,
        {"GET": only((CO,), 200), "POST": everyone(405)},
        kind="list",
        note=note,
    )


def _form(name, targets, args, note, *, post=200):
    answer = obj(200) if targets != NO_TARGET else 200
    posted = obj(post) if targets != NO_TARGET else post
    return route(
        f"privacy:{name}",
        targets,
        {"GET": only((CO,), answer), "POST": only((CO,), posted)},
        args=args,
        note=note,
    )


ROWS = [
    _list("overview", "Fristen, heute fällige Daten, offene Anträge"),
    _list("due_list", "Probelauf der Anonymisierung"),
    _list("request_list", "Anträge auf Löschung und Einschränkung"),
    _list("hold_list", "Aufbewahrungspflichten"),
    _list("restricted_list", "eingeschränkte Akten, sonst in keiner Liste"),
    _form("policy_edit", NO_TARGET, None, "Fristen je Datenart, nie unter dem Minimum"),
    route(
        "privacy:participant",
        OBJECT_TARGETS,
        {"GET": only((CO,), obj(200)), "POST": everyone(405)},
        args=P,
        note="Fristen, Aufbewahrungspflichten und Anträge einer Person",
    ),
    route(
        "privacy:access_report",
        OBJECT_TARGETS,
        {"GET": only((CO,), obj(200)), "POST": everyone(405)},
        args=P,
        kind="export",
        note="Auskunft nach Art. 15 DSGVO als PDF oder JSON; protokolliert",
    ),
    _form("hold_create", OBJECT_TARGETS, P, "Aufbewahrungspflicht eintragen"),
    _form("request_create", OBJECT_TARGETS, P, "Antrag nach Art. 17/18 erfassen"),
    _form(
        "hold_lift",
        OBJECT_TARGETS,
        H,
        "mit Bestätigungsseite",
        post=302,
    ),
    _form("request_decide", OBJECT_TARGETS, R, "stattgeben oder mit Begründung ablehnen"),
    _form(
        "request_execute",
        OBJECT_TARGETS,
        R,
        "Löschung (Anonymisierung) oder Einschränkung nach Bestätigung; verweigert mit Grund,"
        " solange die Teilnahme läuft, eine Aufbewahrungspflicht oder Prüfungsfrist gilt",
    ),
    _form(
        "restriction_lift",
        OBJECT_TARGETS,
        R,
        "nach Bestätigung; ohne bestehende Einschränkung nur ein Hinweis",
    ),
]
