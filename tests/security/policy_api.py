"""The permission policy of the REST API (/api/v1/): one row per route name.

Same targets and roles as tests/security/policy.py. Requests carry a read-write personal token
of the role's user; anonymous requests (no token) answer 401 and change nothing. Methods a
route does not list must answer 405. Bodies are empty JSON objects: a permitted write answers
422 (invalid) or 428 (no If-Match) — what matters here is who gets past the scoping layer.

Extra statuses: 201 created, 204 no content, 401 not authenticated, 409 conflict,
422 invalid, 428 If-Match missing.
"""

from tests.security.policy import (  # noqa: F401
    AD,
    CH,
    CM,
    CO,
    DISTRICT,
    NESTED_TARGETS,
    NO_TARGET,
    OBJECT_TARGETS,
    PS,
    ROLES,
    SA,
    STATEWIDE,
    everyone,
    obj,
    only,
)

API_METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")
API_STATUSES = {200, 201, 204, 403, 404, 405, 409, 422, 428}
# Routes every visitor may read: the machine-readable contract and its documentation.
API_PUBLIC = {
    "api:schema": "OpenAPI-Schema – öffentlich / public",
    "api:docs": "API-Dokumentation – öffentlich / public",
}


def api_route(name, targets, expect, *, args=None, note=""):
    """`expect` maps each method the route supports to the answers per role."""
    return {"name": name, "targets": targets, "args": args or {}, "expect": expect, "note": note}


ALL_IN_REACH = everyone(200)

API_ROUTES = [
    # --- organisation ---------------------------------------------------------------------
    api_route(
        "api:district-list",
        NO_TARGET,
        {"GET": ALL_IN_REACH},
        note="jede Rolle sieht die Kreise, in denen sie Mitglied ist; Land und Administration alle",
    ),
    api_route(
        "api:district-detail",
        OBJECT_TARGETS,
        {
            "GET": {
                **everyone(obj(200)),
                SA: {**obj(200), "other_district": 200},
                AD: {**obj(200), "other_district": 200},
            }
        },
        args={"ags": ("district", "ags")},
        note="Strukturdaten: landesweite Rollen sehen alle Kreise",
    ),
]


from tests.security import policy_api_cases, policy_api_offers  # noqa: E402

API_ROUTES += policy_api_offers.ROWS + policy_api_cases.ROWS


def api_expected(row: dict, method: str, role: str, target: str) -> int:
    if role == "anonymous":
        return 401
    if method not in row["expect"]:
        return 405
    answer = row["expect"][method][role]
    if isinstance(answer, dict):
        return answer[target]
    return answer
