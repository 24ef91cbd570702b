"""Permission rows of the list import (/import/): participant lists for the district's
coordinators and case managers, offer lists for its coordinators."""

from tests.security.policy import (
    CO,
    DISTRICT,
    NO_TARGET,
    OBJECT_TARGETS,
    everyone,
    obj,
    only,
    route,
)

B = {"public_id": ("import_batch", "public_id")}

ROWS = [
    route(
        "imports:batch_list",
        NO_TARGET,
        {"GET": only(DISTRICT, 200), "POST": everyone(405)},
        kind="list",
        htmx=True,
        search=True,
    ),
    route(
        "imports:participant_upload",
        NO_TARGET,
        {"GET": only(DISTRICT, 200), "POST": only(DISTRICT, 200)},
    ),
    route(
        "imports:offer_upload",
        NO_TARGET,
        {"GET": only((CO,), 200), "POST": only((CO,), 200)},
        note="Angebotslisten importiert nur die Koordinierung",
    ),
    route(
        "imports:participant_template",
        NO_TARGET,
        {"GET": only(DISTRICT, 200), "POST": everyone(405)},
        kind="export",
        note="leere Vorlage ohne Personendaten",
    ),
    route(
        "imports:offer_template",
        NO_TARGET,
        {"GET": only((CO,), 200), "POST": everyone(405)},
        kind="export",
        note="leere Vorlage",
    ),
    route(
        "imports:batch_detail",
        OBJECT_TARGETS,
        {"GET": only(DISTRICT, obj(200)), "POST": everyone(405)},
        args=B,
        note="Vorschau mit Fehlern und Dubletten; htmx fragt den Fortschritt ab",
    ),
    route(
        "imports:batch_mapping",
        OBJECT_TARGETS,
        {"GET": only(DISTRICT, obj(200)), "POST": only(DISTRICT, obj(302))},
        args=B,
        note="ordnet die Spalten neu zu und prüft die Liste erneut",
    ),
    route(
        "imports:batch_decide",
        OBJECT_TARGETS,
        {"GET": everyone(405), "POST": only(DISTRICT, obj(302))},
        args=B,
    ),
    route(
        "imports:batch_confirm",
        OBJECT_TARGETS,
        {"GET": only(DISTRICT, obj(200)), "POST": only(DISTRICT, obj(302))},
        args=B,
        note="übernimmt die geprüfte Liste",
    ),
    route(
        "imports:batch_rejected",
        OBJECT_TARGETS,
        {"GET": only(DISTRICT, obj(200)), "POST": everyone(405)},
        args=B,
        kind="export",
        note="abgelehnte Zeilen der eigenen Liste mit Fehlerspalte",
    ),
    route(
        "imports:batch_undo",
        OBJECT_TARGETS,
        {"GET": only(DISTRICT, obj(200)), "POST": only(DISTRICT, obj(200))},
        args=B,
        note="ein nicht übernommener Import kann nicht rückgängig gemacht werden (Hinweis)",
    ),
]
