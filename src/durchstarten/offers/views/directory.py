"""The offer directory: list (printable, exportable), detail, create and edit."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ExpressionWrapper, F, IntegerField, Value
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.utils import formats
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from durchstarten.core.decorators import in_active_district, require_role
from durchstarten.core.forms import add_service_error
from durchstarten.core.lists import filter_data, filtered_list, paginate
from durchstarten.core.models import Role
from durchstarten.core.scoping import can_manage_offer
from durchstarten.offers import selectors, services
from durchstarten.offers.choices import PLACE_HOLDING, ReferralState
from durchstarten.offers.exports import csv_response
from durchstarten.offers.filters import OfferFilterForm
from durchstarten.offers.forms import OfferForm
from durchstarten.offers.views._common import (
    DIRECTORY_ROLES,
    INBOX_ROLES,
    LANGUAGE_LABELS,
    MANAGING_ROLES,
    NEED_LABELS,
    eligibility_rules,
    free_places_text,
    labels,
)
from durchstarten.organisation.selectors import municipality_list_for_user, provider_list_for_user

# Sorts offers without a limit after every limited one.
UNLIMITED = 1_000_000


def _filters(request) -> OfferFilterForm:
    municipalities = municipality_list_for_user(request.user, district=request.membership.district)
    # The export reads the list's filters: its link carries the list's token.
    return OfferFilterForm(filter_data(request, OfferFilterForm), municipalities=municipalities)


def _directory(request, filters):
    offers = selectors.with_free_places(
        selectors.offer_list_for_user(request.user, district_id=request.membership.district_id)
    ).annotate(
        free_sort=Coalesce(
            ExpressionWrapper(F("capacity") - F("places_taken"), output_field=IntegerField()),
            Value(UNLIMITED),
        )
    )
    return filters.apply(offers).prefetch_related("municipalities")


def _describe(offer) -> None:
    """Labels for the list, the detail page and the export."""
    offer.free = None if offer.capacity is None else max(offer.capacity - offer.places_taken, 0)
    offer.free_text = free_places_text(offer.free, offer.capacity)
    offer.municipality_names = [m.name for m in offer.municipalities.all()]
    offer.need_labels = labels(offer.needs_covered, NEED_LABELS)
    offer.language_labels = labels(offer.languages, LANGUAGE_LABELS)


@filtered_list(OfferFilterForm)
@require_GET
@require_role(*DIRECTORY_ROLES)
def offer_list(request):
    filters = _filters(request)
    page_obj = paginate(request, _directory(request, filters))
    page_obj.object_list = list(page_obj.object_list)
    for offer in page_obj.object_list:
        _describe(offer)
    # htmx asks for the results only, except when it restores a page from the history.
    fragment = bool(request.htmx) and not request.htmx.history_restore_request
    context = {
        "filters": filters,
        "page_obj": page_obj,
        "may_create": request.membership.role in MANAGING_ROLES,
        "fragment": fragment,
    }
    template = "offers/offer_list.html"
    if fragment:
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _day(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else ""


@require_GET
@require_role(*DIRECTORY_ROLES)
def offer_export(request):
    """The directory as filtered, all pages, as CSV (offers hold no personal data)."""
    offers = list(_directory(request, _filters(request)))
    rows = []
    for offer in offers:
        _describe(offer)
        rows.append(
            [
                offer.title,
                offer.get_kind_display(),
                offer.get_category_display(),
                offer.module or "",
                offer.organiser_name,
                ", ".join(offer.municipality_names) or _("ganzer Kreis"),
                offer.location,
                offer.schedule,
                _day(offer.start_date),
                _day(offer.end_date),
                offer.capacity if offer.capacity is not None else _("unbegrenzt"),
                offer.free if offer.free is not None else _("unbegrenzt"),
                ", ".join(offer.language_labels),
                ", ".join(offer.need_labels),
                "; ".join(eligibility_rules(offer)),
                _("ja") if offer.is_active else _("nein"),
            ]
        )
    header = [
        _("Titel"),
        _("Art"),
        _("Angebotsform"),
        _("Förderbaustein"),
        _("Träger / Anbieter"),
        _("Kommunen"),
        _("Ort"),
        _("Zeiten"),
        _("Beginn"),
        _("Ende"),
        _("Plätze"),
        _("freie Plätze"),
        _("Sprachen"),
        _("deckt Bedarfe"),
        _("Voraussetzungen"),
        _("aktiv"),
    ]
    return csv_response("angebote.csv", header, rows)


@require_GET
@require_role(*DIRECTORY_ROLES)
def offer_detail(request, public_id):
    offer = in_active_district(request, selectors.get_offer_for_user(request.user, public_id))
    counts = selectors.referral_counts(offer)
    offer.places_taken = sum(counts.get(state, 0) for state in PLACE_HOLDING)
    _describe(offer)
    may_manage = can_manage_offer(request.user, offer)
    return render(
        request,
        "offers/offer_detail.html",
        {
            "offer": offer,
            "rules": eligibility_rules(offer),
            "status_counts": [
                (label, counts.get(value, 0)) for value, label in ReferralState.choices
            ],
            "referral_total": sum(counts.values()),
            "may_edit": may_manage,
            "inbox_link": may_manage and request.membership.role in INBOX_ROLES,
        },
    )


def _offer_form(request, **kwargs) -> OfferForm:
    district = request.membership.district
    providers = provider_list_for_user(request.user, district=district).filter(is_active=True)
    return OfferForm(
        request.POST if request.method == "POST" else None,
        providers=providers,
        municipalities=municipality_list_for_user(request.user, district=district),
        provider_required=request.membership.role == Role.PROVIDER_STAFF,
        **kwargs,
    )


@require_http_methods(["GET", "POST"])
@require_role(*MANAGING_ROLES)
def offer_create(request):
    form = _offer_form(request)
    if form.is_valid():
        try:
            offer = services.offer_create(
                actor=request.user, district=request.membership.district, **form.service_fields()
            )
        except ValidationError as error:
            add_service_error(form, error)
        except PermissionDenied:
            form.add_error("provider", _("Sie können nur Angebote Ihres Trägers anlegen."))
        else:
            messages.success(
                request, _("Das Angebot „%(title)s“ wurde angelegt.") % {"title": offer.title}
            )
            return redirect("offers:offer_detail", public_id=offer.public_id)
    return render(request, "offers/offer_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@require_role(*MANAGING_ROLES)
def offer_edit(request, public_id):
    offer = in_active_district(request, selectors.get_offer_for_user(request.user, public_id))
    if not can_manage_offer(request.user, offer):
        raise PermissionDenied
    form = _offer_form(request, initial=OfferForm.initial_for(offer))
    form.fields["version"].required = True
    if form.is_valid():
        data = form.service_fields()
        try:
            services.offer_update(
                actor=request.user, offer=offer, version=form.cleaned_data["version"], **data
            )
        except ValidationError as error:
            add_service_error(form, error)
        except PermissionDenied:
            form.add_error("provider", _("Sie können nur Angebote Ihres Trägers bearbeiten."))
        else:
            messages.success(
                request,
                _("Die Änderungen am Angebot „%(title)s“ wurden gespeichert.")
                % {"title": offer.title},
            )
            return redirect("offers:offer_detail", public_id=offer.public_id)
    return render(request, "offers/offer_form.html", {"form": form, "offer": offer})
