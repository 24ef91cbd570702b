"""Shared by the mass-assignment and hostile-input tests: the forms under attack and how to
fill them in as the page does.

A scenario names a route, the role that may use it and the target of the security world;
the test fetches the form page, reads the form's fields and current values from the HTML
(as a browser submits them) and posts them back with its own changes.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.apps import apps
from django.urls import reverse

from tests.security.policy import by_name

# Columns no form may set: tenancy, roles, ownership, locking and identity.
PROTECTED = (
    "district",
    "district_id",
    "role",
    "owner",
    "provider",
    "provider_id",
    "version",
    "case_manager",
    "public_id",
    "created_by",
    "is_staff",
    "is_superuser",
)
APPS = {
    "core",
    "organisation",
    "cases",
    "offers",
    "reporting",
    "funding",
    "selection",
    "network",
}


@dataclass(frozen=True)
class Scenario:
    name: str  # URL name
    role: str
    target: str = "none"
    # Values the page's own form leaves empty but a valid submission needs.
    fill: dict = field(default_factory=dict)
    # POST-only routes: the form data instead of reading a page.
    data: dict | None = None


SCENARIOS = (
    Scenario(
        "cases:participant_create",
        "coordinator",
        fill={"given_names": "Amina", "family_name": "Haddad", "gender": "female"},
    ),
    Scenario("cases:participant_edit", "coordinator", "own"),
    Scenario("cases:participant_edit", "coach", "own"),
    Scenario(
        "cases:contact_first",
        "case_manager",
        fill={"given_names": "Samir", "channel": "social_welfare", "result": "reached"},
    ),
    Scenario("cases:need_edit", "case_manager", "own"),
    Scenario("cases:task_create", "case_manager", fill={"title": "Anruf", "due_date": "1.7.2031"}),
    Scenario("offers:offer_edit", "coordinator", "own"),
    Scenario("offers:offer_edit", "provider_staff", "own"),
    Scenario("offers:propose", "case_manager", "own", data={}),
    Scenario("offers:inbox_transition", "provider_staff", "own", data={"action": "accept"}),
    Scenario("organisation:provider_edit", "coordinator", "own"),
    Scenario("network:meeting_edit", "coordinator", "own"),
    Scenario("network:partner_edit", "coordinator", "own"),
    Scenario("funding:grant_edit", "coordinator", "own"),
    Scenario("switch_membership", "case_manager", data={"next": "/"}),
)


class FormReader(HTMLParser):
    """The fields of every <form> of a page: [(action, method, [(name, value), ...])]."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[tuple[str, str, list[tuple[str, str, str]]]] = []
        self._fields: list[tuple[str, str, str]] | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._fields = []
            self.forms.append(
                (a.get("action") or "", (a.get("method") or "get").lower(), self._fields)
            )
        if self._fields is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self._fields.append((name, a.get("value") or "on", kind))
                return
            self._fields.append((name, a.get("value") or "", kind))
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select is not None:
            value = a.get("value") or ""
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                self._fields.append((self._select, value, "select"))
                self._select_chosen = True
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select" and self._select is not None:
            if not self._select_chosen and self._fields is not None:
                self._fields.append((self._select, self._select_first or "", "select"))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            if self._fields is not None:
                text = "".join(self._text).removeprefix("\n")
                self._fields.append((self._textarea, text, "textarea"))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)


def url_of(world, scenario: Scenario) -> str:
    row = by_name()[scenario.name]
    return reverse(scenario.name, kwargs=world.kwargs(row, scenario.target))


@dataclass
class PageForm:
    url: str
    data: dict[str, list[str]]
    text: list[str]  # names of the free-text fields


# Text inputs that hold dates, amounts or numbers rather than free text.
NOT_FREE_TEXT = ("date", "_on", "_from", "_until", "amount", "year", "fte", "capacity", "hours")


def page_form(client, url: str) -> PageForm:
    """The fields of the page's form that posts to `url` (the page itself or its action)."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    reader = FormReader()
    reader.feed(response.content.decode())
    path = url.split("?")[0]
    for action, method, fields in reader.forms:
        if method == "post" and action in {"", path}:
            data: dict[str, list[str]] = {}
            text = []
            for name, value, kind in fields:
                data.setdefault(name, []).append(value)
                free = kind == "textarea" or (
                    kind in {"text", "search"} and not any(p in name for p in NOT_FREE_TEXT)
                )
                if free and name not in text:
                    text.append(name)
            data.pop("csrfmiddlewaretoken", None)
            return PageForm(url, data, text)
    raise AssertionError(f"no form posting to {path} on the page")


def form_of(world, client, scenario: Scenario) -> PageForm:
    """The URL and the data a browser would submit for the scenario's form."""
    url = url_of(world, scenario)
    if scenario.data is not None:
        return PageForm(url, {name: [value] for name, value in scenario.data.items()}, [])
    form = page_form(client, url)
    for name, value in scenario.fill.items():
        form.data[name] = [value]
    return form


def protected_state() -> dict[str, tuple[list[str], dict]]:
    """Every row's protected columns, for every model of the application:
    {label: (column names, {pk: values})}."""
    state = {}
    for model in apps.get_models():
        if model._meta.app_label not in APPS or model._meta.label == "core.AuditEntry":
            continue
        columns = [
            f.attname
            for f in model._meta.concrete_fields
            if f.name in PROTECTED or f.attname in PROTECTED
        ]
        if columns:
            rows = model._default_manager.values_list("pk", *columns).order_by("pk")
            state[model._meta.label] = (columns, {row[0]: row[1:] for row in rows})
    return state
