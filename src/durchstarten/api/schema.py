"""Additions to the generated OpenAPI schema: the problem answers every operation can give."""

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details; German or English after Accept-Language.",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "example": "urn:durchstarten:problem:validation"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["field", "message", "code"],
                "properties": {
                    "field": {"type": "string"},
                    "message": {"type": "string"},
                    "code": {"type": "string"},
                },
            },
        },
    },
}
DESCRIPTIONS = {
    "400": "Anfrage nicht lesbar",
    "401": "Nicht angemeldet (kein oder ungültiger API-Schlüssel)",
    "403": "Keine Berechtigung für diese Aktion",
    "404": "Nicht vorhanden oder nicht im Zugriff",
    "409": "Der Datensatz wurde inzwischen geändert (If-Match veraltet)",
    "413": "Anfrage zu groß",
    "415": "Format nicht unterstützt",
    "422": "Eingaben ungültig",
    "428": "If-Match fehlt",
    "429": "Zu viele Anfragen",
}
ALWAYS = ("400", "401", "403", "404", "422", "429")
WRITES = ("413", "415")
VERSIONED = ("409", "428")


def _asks_if_match(operation) -> bool:
    # Versioned actions (e.g. an enrollment's exit) are POSTs that take If-Match.
    return any(
        parameter.get("in") == "header" and parameter.get("name") == "If-Match"
        for parameter in operation.get("parameters", [])
    )


def add_problem_responses(result, generator, request, public):
    """Document the problem answers so that clients (and the contract test) expect them."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            codes = list(ALWAYS)
            if method in ("post", "patch", "put"):
                codes += WRITES
            if method in ("patch", "put", "delete") or _asks_if_match(operation):
                codes += VERSIONED
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "description": DESCRIPTIONS[code],
                        "content": {"application/problem+json": {"schema": PROBLEM_REF}},
                    },
                )
    return result


# Integer limits Django derives from the database backend (SQLite reports 64 bits for every
# integer column, PostgreSQL the column's real size): left out, so that the contract is the
# same on both. The limits themselves are still enforced by the fields' validators.
_BACKEND_LIMITS = {2**15 - 1, 2**31 - 1, 2**63 - 1, -(2**15), -(2**31), -(2**63)}


def _drop_backend_limits(node) -> None:
    if isinstance(node, dict):
        for key in ("maximum", "minimum"):
            if node.get(key) in _BACKEND_LIMITS:
                del node[key]
        if node.get("type") == "integer" and node.get("format") == "int64":
            del node["format"]
        for value in node.values():
            _drop_backend_limits(value)
    elif isinstance(node, list):
        for value in node:
            _drop_backend_limits(value)


def drop_backend_integer_limits(result, generator, request, public):
    _drop_backend_limits(result)
    return result
