"""The partner directory: list, detail, create, edit, delete; contact persons."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from durchstarten.core.decorators import in_active_district, require_role
from durchstarten.core.forms import add_service_error
from durchstarten.core.lists import filter_data, filtered_list, paginate
from durchstarten.network import selectors
from durchstarten.network.filters import PartnerFilterForm
from durchstarten.network.forms import PartnerContactForm, PartnerForm
from durchstarten.network.services import partners as services
from durchstarten.network.views._common import (
    DISTRICT,
    MANAGING,
    PARTNER_READERS,
    bound,
    may_edit,
    render_list,
)
from durchstarten.organisation.selectors import municipality_list_for_user


def _partner(request, public_id):
    return in_active_district(request, selectors.get_partner_for_user(request.user, public_id))


def _contact(request, public_id):
    contact = selectors.get_partner_contact_for_user(request.user, public_id)
    in_active_district(request, contact.partner)
    return contact


@filtered_list(PartnerFilterForm)
@require_GET
@require_role(*PARTNER_READERS)
def partner_list(request):
    district = request.membership.district
    filters = PartnerFilterForm(
        filter_data(request),
        municipalities=municipality_list_for_user(request.user, district=district),
    )
    partners = selectors.partner_directory(request.user, district_id=district.pk)
    context = {
        "filters": filters,
        "page_obj": paginate(request, filters.apply(partners)),
        "may_edit": may_edit(request),
        "activity_link": request.membership.role in DISTRICT,
    }
    return render_list(request, "network/partner_list.html", context)


@require_GET
@require_role(*PARTNER_READERS)
def partner_detail(request, public_id):
    partner = selectors.partner_with_details(_partner(request, public_id))
    return render(
        request, "network/partner_detail.html", {"partner": partner, "may_edit": may_edit(request)}
    )


def _partner_form(request, **kwargs) -> PartnerForm:
    district = request.membership.district
    return bound(
        PartnerForm,
        request,
        municipalities=municipality_list_for_user(request.user, district=district),
        offers=selectors.specialist_offer_choices(request.user, district=district),
        **kwargs,
    )


@require_http_methods(["GET", "POST"])
@require_role(*MANAGING)
def partner_create(request):
    form = _partner_form(request)
    if form.is_valid():
        try:
            partner = services.partner_create(
                actor=request.user, district=request.membership.district, **form.service_fields()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Der Partner „%(name)s“ wurde angelegt.") % {"name": partner.name}
            )
            return redirect("network:partner_detail", public_id=partner.public_id)
    return render(request, "network/partner_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@require_role(*MANAGING)
def partner_edit(request, public_id):
    partner = _partner(request, public_id)
    initial = {name: getattr(partner, name) for name in services.PARTNER_FIELDS}
    initial.update(
        municipalities=list(partner.municipalities.all()),
        specialist_offers=list(partner.specialist_offers.all()),
        version=partner.version,
    )
    form = _partner_form(request, initial=initial)
    form.fields["version"].required = True
    if form.is_valid():
        try:
            services.partner_update(
                actor=request.user,
                partner=partner,
                version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Die Änderungen am Partner „%(name)s“ wurden gespeichert.")
                % {"name": partner.name},
            )
            return redirect("network:partner_detail", public_id=partner.public_id)
    return render(request, "network/partner_form.html", {"form": form, "partner": partner})


@require_http_methods(["GET", "POST"])
@require_role(*MANAGING)
def partner_delete(request, public_id):
    partner = _partner(request, public_id)
    if request.method == "POST":
        services.partner_delete(actor=request.user, partner=partner)
        messages.success(
            request, _("Der Partner „%(name)s“ wurde gelöscht.") % {"name": partner.name}
        )
        return redirect("network:partner_list")
    return render(request, "network/partner_confirm_delete.html", {"partner": partner})


# --- Contacts ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@require_role(*MANAGING)
def contact_create(request, public_id):
    partner = _partner(request, public_id)
    form = bound(PartnerContactForm, request)
    if form.is_valid():
        try:
            services.contact_create(actor=request.user, partner=partner, **form.service_fields())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Die Ansprechperson wurde angelegt."))
            return redirect("network:partner_detail", public_id=partner.public_id)
    return render(request, "network/contact_form.html", {"form": form, "partner": partner})


@require_http_methods(["GET", "POST"])
@require_role(*MANAGING)
def contact_edit(request, public_id):
    contact = _contact(request, public_id)
    initial = {name: getattr(contact, name) for name in services.CONTACT_FIELDS}
    form = bound(PartnerContactForm, request, initial={**initial, "version": contact.version})
    form.fields["version"].required = True
    if form.is_valid():
        try:
            services.contact_update(
                actor=request.user,
                contact=contact,
                version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Die Änderungen an der Ansprechperson wurden gespeichert."))
            return redirect("network:partner_detail", public_id=contact.partner.public_id)
    return render(
        request,
        "network/contact_form.html",
        {"form": form, "partner": contact.partner, "contact": contact},
    )


@require_http_methods(["GET", "POST"])
@require_role(*MANAGING)
def contact_delete(request, public_id):
    contact = _contact(request, public_id)
    if request.method == "POST":
        services.contact_delete(actor=request.user, contact=contact)
        messages.success(request, _("Die Ansprechperson wurde gelöscht."))
        return redirect("network:partner_detail", public_id=contact.partner.public_id)
    return render(request, "network/contact_confirm_delete.html", {"contact": contact})
