"""Permission-matrix rows of the duplicate pages (/faelle/dubletten/, /faelle/<id>/dublette/):
the district's coordinators and case managers only.

Objects (world_duplicates): every participant of the world has a ``duplicate``, a second
record of the same person with another spelling, so that the pair pages point at two
different records of one district (``cross``: the second record belongs to district B).
"""

from tests.security.policy import (
    DISTRICT,
    NESTED_TARGETS,
    NO_TARGET,
    everyone,
    obj,
    only,
    route,
)

PAIR = {"public_id": ("participant", "public_id"), "other_id": ("duplicate", "public_id")}

ROWS = [
    route(
        "cases:duplicate_list",
        NO_TARGET,
        {"GET": only(DISTRICT, 200), "POST": everyone(405)},
        kind="list",
        htmx=True,
        search=True,
        note="vorgeschlagene Paare des Kreises, die beide Personen sichtbar sind",
    ),
    route(
        "cases:duplicate_refresh",
        NO_TARGET,
        {"GET": everyone(405), "POST": only(DISTRICT, 302)},
        note="prüft den ganzen Kreis und ersetzt die Vorschläge",
    ),
    route(
        "cases:duplicate_merge",
        NESTED_TARGETS,
        {"GET": only(DISTRICT, obj(200)), "POST": only(DISTRICT, obj(200))},
        args=PAIR,
        note="beide Datensätze nebeneinander; leeres Formular: Seite mit Fehlern",
    ),
    route(
        "cases:duplicate_dismiss",
        NESTED_TARGETS,
        {"GET": everyone(405), "POST": only(DISTRICT, obj(302))},
        args=PAIR,
        note="keine Dublette: das Paar wird nicht mehr vorgeschlagen",
    ),
]
