"""API policy rows of organisation, offers, referrals, outcomes and reports (API-A).

The roles are the pages' (tests/security/policy.py); a role the page refuses gets 403 for
the whole route. Empty bodies: a permitted create answers 422, a permitted change of a visible
record 428 (If-Match missing), a permitted delete 204. Routes that need query parameters
answer 422 without them.
"""

from tests.security.policy import (
    AD,
    CH,
    CM,
    CO,
    DIRECTORY,
    DISTRICT,
    NO_TARGET,
    OBJECT_TARGETS,
    PS,
    SA,
    everyone,
    obj,
    only,
)
from tests.security.policy_api import api_route

CASE_WORK = (CO, CM, CH)
COORDINATION = (CO,)
STATEWIDE_STRUCTURE = {**obj(200), "other_district": 200}


def _step(name, answer, *, case_worker=None):
    """A referral step with an empty body. Coordinators manage every offer of their district
    and provider staff their own provider's; case workers may not speak for a provider (403)
    and a coach sees only the referrals of the persons their provider coaches."""
    case_worker = answer if case_worker is None else case_worker
    return api_route(
        f"api:referral-{name}",
        OBJECT_TARGETS,
        {
            "POST": {
                CO: obj(answer),
                CM: obj(case_worker),
                CH: obj(case_worker, 404),
                PS: obj(answer, 404),
                SA: 403,
                AD: 403,
            }
        },
        args={"public_id": ("referral", "public_id")},
    )


ROWS = [
    # --- organisation ---------------------------------------------------------------------
    api_route(
        "api:municipality-list",
        NO_TARGET,
        {"GET": everyone(200)},
        note="Strukturdaten: jede Rolle sieht die Kommunen ihrer Kreise, Land alle",
    ),
    api_route(
        "api:municipality-detail",
        OBJECT_TARGETS,
        {"GET": {**everyone(obj(200)), SA: STATEWIDE_STRUCTURE, AD: STATEWIDE_STRUCTURE}},
        args={"ags": ("municipality", "ags")},
    ),
    api_route(
        "api:district-gaps",
        OBJECT_TARGETS,
        {"GET": only(DISTRICT, obj(200))},
        args={"ags": ("district", "ags")},
        note="Angebotslücken wie die Seite: Koordinierung und Teilhabemanagement",
    ),
    api_route(
        "api:provider-list",
        NO_TARGET,
        {"GET": only(DISTRICT, 200), "POST": only(COORDINATION, 422)},
    ),
    api_route(
        "api:provider-detail",
        OBJECT_TARGETS,
        {"GET": only(DISTRICT, obj(200)), "PATCH": only(COORDINATION, obj(428))},
        args={"public_id": ("provider", "public_id")},
    ),
    api_route(
        "api:assignment-list",
        NO_TARGET,
        {"GET": only(DIRECTORY, 200), "POST": only(COORDINATION, 422)},
    ),
    api_route(
        "api:assignment-detail",
        OBJECT_TARGETS,
        {
            "GET": {**only(DIRECTORY, obj(200)), CH: obj(200, 404), PS: obj(200, 404)},
            "PATCH": only(COORDINATION, obj(428)),
            "DELETE": only(COORDINATION, obj(204)),
        },
        args={"public_id": ("assignment", "public_id")},
        note="Träger-Rollen sehen nur die Zuständigkeiten ihres Trägers",
    ),
    api_route(
        "api:position-list",
        NO_TARGET,
        {"GET": only(DISTRICT, 200), "POST": only(COORDINATION, 422)},
    ),
    api_route(
        "api:position-detail",
        OBJECT_TARGETS,
        {
            "GET": only(DISTRICT, obj(200)),
            "PATCH": only(COORDINATION, obj(428)),
            "DELETE": only(COORDINATION, obj(204)),
        },
        args={"public_id": ("position", "public_id")},
    ),
    # --- offers -----------------------------------------------------------------------------
    api_route(
        "api:offer-list",
        NO_TARGET,
        {"GET": only(DIRECTORY, 200), "POST": only((CO, PS), 422)},
    ),
    api_route(
        "api:offer-detail",
        OBJECT_TARGETS,
        {
            "GET": only(DIRECTORY, obj(200)),
            "PATCH": {**only((CO, PS), obj(428)), PS: obj(428, 403)},
        },
        args={"public_id": ("offer", "public_id")},
        note="Träger-Mitarbeitende ändern nur Angebote ihres Trägers",
    ),
    api_route(
        "api:offer-suggestions",
        NO_TARGET,
        {"GET": only(CASE_WORK, 422)},
        note="ohne ?participant= ungültig; mit: 404 für Personen außer Reichweite",
    ),
    # --- referrals and outcomes -------------------------------------------------------------
    api_route(
        "api:referral-list",
        NO_TARGET,
        {"GET": only(DIRECTORY, 200), "POST": only(CASE_WORK, 422)},
    ),
    api_route(
        "api:referral-detail",
        OBJECT_TARGETS,
        {
            "GET": {
                **only(DIRECTORY, obj(200)),
                CH: obj(200, 404),
                PS: obj(200, 404),
            }
        },
        args={"public_id": ("referral", "public_id")},
        note="Träger-Mitarbeitende: nur Vermittlungen in Angebote ihres Trägers, mit Einwilligung",
    ),
    _step("accept", 428, case_worker=403),
    _step("wait", 428, case_worker=403),
    _step("decline", 422),
    _step("start", 428),
    _step("complete", 428),
    _step("abort", 428),
    api_route(
        "api:outcome-list",
        NO_TARGET,
        {"GET": only(CASE_WORK, 200), "POST": only(CASE_WORK, 422)},
    ),
    # --- reports ----------------------------------------------------------------------------
    api_route(
        "api:report-kpi",
        NO_TARGET,
        {"GET": only(DISTRICT, 422)},
        note="ohne ?district=&from=&to= ungültig; fremder Kreis 404",
    ),
    api_route(
        "api:report-quarterly",
        NO_TARGET,
        {"GET": only(DISTRICT, 422)},
        note="ohne ?district=&year= ungültig; fremder Kreis 404",
    ),
    api_route(
        "api:report-statewide",
        NO_TARGET,
        {"GET": only((SA,), 422)},
        note="Landesübersicht nur für die Landesebene; ohne ?from=&to= ungültig",
    ),
]
