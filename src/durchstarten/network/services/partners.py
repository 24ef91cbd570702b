"""The partner directory: partners of the local network and their contact persons."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from durchstarten.core.audit import log_action
from durchstarten.core.models import User
from durchstarten.core.scoping import require_role
from durchstarten.core.services import save_with_version
from durchstarten.network.models import Partner, PartnerContact
from durchstarten.network.services._common import (
    MANAGING_ROLES,
    changed_fields,
    ids,
    same_district,
)
from durchstarten.offers.choices import OfferKind
from durchstarten.offers.models import Offer
from durchstarten.organisation.models import District, Municipality

PARTNER_FIELDS = ("name", "kind", "address", "offering", "website", "email", "phone", "is_active")
CONTACT_FIELDS = ("name", "function", "phone", "email")

NAME_TAKEN = _("Es gibt in Ihrem Kreis bereits einen Partner mit diesem Namen.")
NOT_SPECIALIST = _("Nur Fachstellen (Verweisberatung) können verknüpft werden, nicht: %(titles)s.")


def _check_name(partner: Partner) -> None:
    others = Partner.objects.filter(district_id=partner.district_id, name=partner.name)
    if partner.pk is not None:
        others = others.exclude(pk=partner.pk)
    if others.exists():
        raise ValidationError({"name": NAME_TAKEN}, code="name_taken")


def _links(
    district_id: int, municipalities: Iterable[Municipality], specialist_offers: Iterable[Offer]
) -> tuple[list[Municipality], list[Offer]]:
    municipalities = same_district("municipalities", district_id, municipalities)
    offers = same_district("specialist_offers", district_id, specialist_offers)
    other_kinds = sorted(o.title for o in offers if o.kind != OfferKind.SPECIALIST)
    if other_kinds:
        raise ValidationError(
            {"specialist_offers": NOT_SPECIALIST % {"titles": ", ".join(other_kinds)}},
            code="not_specialist",
        )
    return municipalities, offers


@transaction.atomic
def partner_create(
    *,
    actor: User,
    district: District,
    name: str,
    kind: str,
    municipalities: Iterable[Municipality] = (),
    specialist_offers: Iterable[Offer] = (),
    **fields,
) -> Partner:
    require_role(actor, district.pk, MANAGING_ROLES)
    municipalities, offers = _links(district.pk, municipalities, specialist_offers)
    unknown = set(fields) - set(PARTNER_FIELDS)
    if unknown:
        raise TypeError(f"unknown partner fields: {sorted(unknown)}")
    partner = Partner(district=district, name=name.strip(), kind=kind, **fields)
    _check_name(partner)
    partner.full_clean(validate_constraints=False)
    partner.save()
    partner.municipalities.set(municipalities)
    partner.specialist_offers.set(offers)
    log_action(
        "network.partner.created",
        actor=actor,
        obj=partner,
        data={"municipalities": [m.ags for m in municipalities], "offers": ids(offers)},
    )
    return partner


@transaction.atomic
def partner_update(
    *,
    actor: User,
    partner: Partner,
    version: int,
    municipalities: Iterable[Municipality],
    specialist_offers: Iterable[Offer],
    **fields,
) -> Partner:
    require_role(actor, partner.district_id, MANAGING_ROLES)
    municipalities, offers = _links(partner.district_id, municipalities, specialist_offers)
    if "name" in fields:
        fields["name"] = fields["name"].strip()
    changed = changed_fields(partner, PARTNER_FIELDS, fields)
    _check_name(partner)
    partner.full_clean(validate_constraints=False)
    save_with_version(partner, expected_version=version, fields=changed)
    partner.municipalities.set(municipalities)
    partner.specialist_offers.set(offers)
    log_action(
        "network.partner.changed",
        actor=actor,
        obj=partner,
        data={
            "fields": changed,
            "municipalities": [m.ags for m in municipalities],
            "offers": ids(offers),
        },
    )
    return partner


@transaction.atomic
def partner_delete(*, actor: User, partner: Partner) -> None:
    """Delete a partner with its contacts; meetings and activities lose only the link."""
    require_role(actor, partner.district_id, MANAGING_ROLES)
    log_action("network.partner.deleted", actor=actor, obj=partner)
    partner.delete()


@transaction.atomic
def contact_create(*, actor: User, partner: Partner, name: str, **fields) -> PartnerContact:
    require_role(actor, partner.district_id, MANAGING_ROLES)
    unknown = set(fields) - set(CONTACT_FIELDS)
    if unknown:
        raise TypeError(f"unknown contact fields: {sorted(unknown)}")
    contact = PartnerContact(partner=partner, name=name.strip(), **fields)
    contact.full_clean()
    contact.save()
    log_action(
        "network.partner_contact.created",
        actor=actor,
        obj=contact,
        district_id=partner.district_id,
        data={"partner": str(partner.public_id)},
    )
    return contact


@transaction.atomic
def contact_update(
    *, actor: User, contact: PartnerContact, version: int, **fields
) -> PartnerContact:
    require_role(actor, contact.partner.district_id, MANAGING_ROLES)
    changed = changed_fields(contact, CONTACT_FIELDS, fields)
    contact.full_clean()
    save_with_version(contact, expected_version=version, fields=changed)
    log_action(
        "network.partner_contact.changed",
        actor=actor,
        obj=contact,
        district_id=contact.partner.district_id,
        data={"fields": changed},
    )
    return contact


@transaction.atomic
def contact_delete(*, actor: User, contact: PartnerContact) -> None:
    require_role(actor, contact.partner.district_id, MANAGING_ROLES)
    log_action(
        "network.partner_contact.deleted",
        actor=actor,
        obj=contact,
        district_id=contact.partner.district_id,
    )
    contact.delete()
