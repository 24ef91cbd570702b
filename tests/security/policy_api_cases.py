"""API policy rows of participants and case work (/api/v1/participants/…, /api/v1/tasks/…).

Case work roles only: coordinators and case managers reach every participant of their
district, a coach only those coached by their provider (the other provider's answer 404 like a
missing one); provider staff, state analysts and admins are refused (403) — provider staff see
referred persons through the referrals. Empty bodies: creating answers 422, a versioned change
without If-Match 428; withdrawing a consent and completing a step or a task need no body (200).
"""

from tests.security.policy import (
    AD,
    CH,
    CM,
    CO,
    NESTED_TARGETS,
    NO_TARGET,
    OBJECT_TARGETS,
    PS,
    SA,
    obj,
    only,
)
from tests.security.policy_api import api_route

P = {"participant": ("participant", "public_id")}
REFUSED = {PS: 403, SA: 403, AD: 403}
CASE_WORK = (CO, CM, CH)


def case_api(answer):
    return {CO: obj(answer), CM: obj(answer), CH: obj(answer, 404), **REFUSED}


def record(name, kind):
    return {**P, name: (kind, "public_id")}


ROWS = [
    api_route(
        "api:participant-list",
        NO_TARGET,
        {"GET": only(CASE_WORK, 200), "POST": only((CO, CM), 422)},
        note="Fallliste; anlegen nur Koordination und Teilhabemanagement",
    ),
    api_route(
        "api:participant-detail",
        OBJECT_TARGETS,
        {"GET": case_api(200), "PATCH": case_api(428)},
        args={"public_id": ("participant", "public_id")},
    ),
    *(
        api_route(
            f"api:participant-{name}",
            OBJECT_TARGETS,
            {"GET": case_api(200), "POST": case_api(422)},
            args=P,
        )
        for name in (
            "status-list",
            "outreach-list",
            "consent-list",
            "enrollment-list",
            "need-list",
            "goal-list",
            "contact-list",
            "task-list",
        )
    ),
    api_route(
        "api:participant-consent-withdraw",
        NESTED_TARGETS,
        {"POST": case_api(200)},
        args=record("consent_id", "consent"),
        note="ohne Angabe gilt der Widerruf ab heute",
    ),
    api_route(
        "api:participant-enrollment-detail",
        NESTED_TARGETS,
        {"GET": case_api(200)},
        args=record("enrollment_id", "enrollment"),
    ),
    *(
        api_route(
            f"api:participant-enrollment-{name}",
            NESTED_TARGETS,
            {"POST": case_api(428)},
            args=record("enrollment_id", "enrollment"),
        )
        for name in ("reassign", "exit")
    ),
    api_route(
        "api:participant-need-detail",
        NESTED_TARGETS,
        {"GET": case_api(200), "PATCH": case_api(428)},
        args=record("need_id", "need"),
    ),
    *(
        api_route(
            f"api:participant-goal-{name}",
            NESTED_TARGETS,
            {"POST": case_api(422)},
            args=record("goal_id", "goal"),
        )
        for name in ("status", "steps")
    ),
    api_route(
        "api:participant-step-complete",
        NESTED_TARGETS,
        {"POST": case_api(200)},
        args=record("step_id", "step"),
    ),
    api_route(
        "api:participant-contact-detail",
        NESTED_TARGETS,
        {"GET": case_api(200)},
        args=record("contact_id", "contact"),
        note="Gesprächsnotiz nur für die Berechtigten (sonst null)",
    ),
    api_route(
        "api:task-list",
        NO_TARGET,
        {"GET": only(CASE_WORK, 200), "POST": only(CASE_WORK, 422)},
        note="eigene offene Wiedervorlagen",
    ),
    api_route(
        "api:task-complete",
        OBJECT_TARGETS,
        {"POST": case_api(200)},
        args={"public_id": ("task", "public_id")},
    ),
]
