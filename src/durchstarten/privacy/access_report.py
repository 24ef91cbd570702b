"""The data subject access report (Art. 15 GDPR): everything stored about one participant.

One section per model of privacy.registry whose rows belong to a participant, so a model added
to the registry is in the report without further work. Staff members are not named (their own
personal data, Art. 15 para. 4): the access history says which role of which organisation
read or changed the record, when and what.
"""

import datetime as dt
import uuid
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from durchstarten.cases.models import Participant
from durchstarten.core.models import AuditOutcome, Membership, Role, User
from durchstarten.core.selectors import access_history_for_object
from durchstarten.privacy.registry import participant_rules, rows_of

# Columns left out: internal keys and the link back to the person the report is about.
SKIPPED = frozenset({"id", "version", "participant"})

ACTION_VERBS = {
    "viewed": gettext_lazy("angesehen"),
    "created": gettext_lazy("angelegt"),
    "changed": gettext_lazy("geändert"),
    "updated": gettext_lazy("geändert"),
    "deleted": gettext_lazy("gelöscht"),
    "exported": gettext_lazy("exportiert"),
    "recorded": gettext_lazy("erfasst"),
    "transition": gettext_lazy("Vermittlung fortgeschrieben"),
    "anonymised": gettext_lazy("anonymisiert"),
}


def _value(obj: models.Model, field: models.Field):
    """A JSON value as a reader understands it: labels for choices, names for links."""
    if field.choices and not field.many_to_one:
        value = getattr(obj, field.attname)
        return str(getattr(obj, f"get_{field.name}_display")()) if value not in ("", None) else ""
    if field.is_relation:
        related = getattr(obj, field.name)
        return "" if related is None else str(related)
    value = getattr(obj, field.attname)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if field.get_internal_type() == "CountryField":
        return str(value.name) if value else ""
    return "" if value is None else value


def _reported_fields(model: type[models.Model]) -> list[models.Field]:
    staff = get_user_model()
    return [
        field
        for field in model._meta.concrete_fields
        if field.name not in SKIPPED and not (field.is_relation and field.related_model is staff)
    ]


def _organisations(entries) -> dict[tuple[int, str, int | None], str]:
    """Organisation of each (actor, role, district): the provider for provider roles, else the
    district's coordinating office or 'state-wide'."""
    actor_ids = {e.actor_id for e in entries if e.actor_id}
    names = {}
    rows = Membership.objects.filter(user_id__in=actor_ids).select_related("provider", "district")
    for m in rows:
        if m.provider_id:
            name = m.provider.name
        elif m.district_id:
            name = m.district.name
        else:
            name = _("landesweit")
        names[(m.user_id, m.role, m.district_id)] = name
    return names


def _action_label(action: str) -> str:
    verb = action.rsplit(".", 1)[-1]
    return str(ACTION_VERBS.get(verb, action))


def access_history(user: User, participant: Participant) -> list[dict]:
    entries = list(access_history_for_object(user, participant))
    organisations = _organisations(entries)
    roles = dict(Role.choices)
    outcomes = dict(AuditOutcome.choices)
    out = []
    for entry in entries:
        role = entry.actor_role
        if entry.actor_id is None:
            organisation = _("System (automatischer Vorgang)")
        else:
            organisation = (
                organisations.get((entry.actor_id, role, participant.district_id))
                or organisations.get((entry.actor_id, role, None))
                or participant.district.name
            )
        out.append(
            {
                "at": timezone.localtime(entry.occurred_at).isoformat(timespec="seconds"),
                "role": str(roles.get(role, role)),
                "organisation": str(organisation),
                "action": _action_label(entry.action),
                "outcome": str(outcomes.get(entry.outcome, entry.outcome)),
            }
        )
    return out


def access_report(user: User, participant: Participant) -> dict:
    """The report as a JSON-ready dict. `user` must coordinate the participant's district
    (the access history checks it)."""
    history = access_history(user, participant)
    sections = []
    for rule in participant_rules():
        model = rule.model_class
        fields = _reported_fields(model)
        rows = rows_of(rule, participant)
        related = [f.name for f in fields if f.is_relation]
        if related:
            rows = rows.select_related(*related)
        sections.append(
            {
                "key": model._meta.label_lower,
                "title": str(model._meta.verbose_name_plural),
                "fields": {f.name: str(f.verbose_name) for f in fields},
                "records": [{f.name: _value(obj, f) for f in fields} for obj in rows],
            }
        )
    return {
        "title": _("Auskunft nach Art. 15 DSGVO"),
        "participant": str(participant.public_id),
        "district": participant.district.name,
        "created_at": timezone.localtime().isoformat(timespec="seconds"),
        "sections": sections,
        "access_history": history,
    }
