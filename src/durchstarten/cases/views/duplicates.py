"""The "Mögliche Dubletten" pages: proposed pairs, merging two records, "keine Dublette"."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from durchstarten.cases import duplicate_selectors as selectors
from durchstarten.cases.duplicates import PersonKey, match, reason_labels
from durchstarten.cases.forms.duplicates import KEEP_FIRST, DuplicateFilterForm, MergeForm
from durchstarten.cases.services import duplicates as services
from durchstarten.cases.services.merge import participant_merge
from durchstarten.core.decorators import in_active_district, require_role
from durchstarten.core.forms import add_service_error
from durchstarten.core.lists import filter_data, filtered_list, paginate
from durchstarten.core.models import Role
from durchstarten.core.scoping import CASE_WORK_ROLES

DISTRICT_STAFF = (Role.COORDINATOR, Role.CASE_MANAGER)

# Fields shown side by side on the merge page.
COMPARED_FIELDS = (
    "given_names",
    "family_name",
    "date_of_birth",
    "gender",
    "nationality",
    "municipality",
    "languages",
    "german_level",
    "literacy",
    "phone",
    "email",
    "address",
    "stage",
    "case_manager",
    "created_at",
)
EMPTY = gettext_lazy("–")


def _detail_url(participant) -> str:
    return reverse("cases:participant_detail", kwargs={"public_id": participant.public_id})


def _pair(request, public_id, other_id):
    first, second = selectors.get_pair_for_user(request.user, public_id, other_id)
    return in_active_district(request, first), in_active_district(request, second)


@filtered_list(DuplicateFilterForm)
@require_GET
@require_role(*DISTRICT_STAFF)
def duplicate_list(request):
    district_id = request.membership.district_id
    filters = DuplicateFilterForm(filter_data(request))
    pairs = selectors.duplicate_pair_list(
        request.user, district_id=district_id, **filters.selector_args()
    )
    page_obj = paginate(request, filters.order(pairs))
    page_obj.object_list = list(page_obj.object_list)
    for pair in page_obj.object_list:
        pair.reason_labels = reason_labels(pair.reasons)
        pair.percent = round(pair.score * 100)
    fragment = bool(request.htmx) and not request.htmx.history_restore_request
    context = {
        "filters": filters,
        "page_obj": page_obj,
        "last_checked": selectors.last_checked(district_id),
        "fragment": fragment,
    }
    template = "cases/duplicates.html" + ("#results" if fragment else "")
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
@require_role(*DISTRICT_STAFF)
def duplicate_refresh(request):
    count = services.duplicate_suggestions_refresh(
        actor=request.user, district=request.membership.district
    )
    messages.success(
        request,
        _("Die Prüfung ist abgeschlossen: %(count)s mögliche Dubletten gefunden.")
        % {"count": count},
    )
    return redirect("cases:duplicate_list")


def _display(participant, name: str) -> str:
    value = getattr(participant, name)
    if name == "languages":
        value = ", ".join(value)
    elif name == "nationality":
        value = value.name if value else ""
    elif hasattr(participant, f"get_{name}_display"):
        value = getattr(participant, f"get_{name}_display")()
    elif isinstance(value, dt.datetime):
        value = formats.localize(timezone.localtime(value))
    elif isinstance(value, dt.date):
        value = formats.localize(value)
    elif value is not None:
        value = str(value)
    return value or EMPTY


def _comparison(first, second) -> list[dict]:
    rows = []
    for name in COMPARED_FIELDS:
        label = first._meta.get_field(name).verbose_name
        a, b = _display(first, name), _display(second, name)
        rows.append({"label": label, "first": a, "second": b, "differs": a != b})
    return rows


@require_http_methods(["GET", "POST"])
@require_role(*DISTRICT_STAFF)
def duplicate_merge(request, public_id, other_id):
    """GET shows both records side by side; POST merges them into the chosen one."""
    first, second = _pair(request, public_id, other_id)
    form = MergeForm(
        request.POST if request.method == "POST" else None,
        initial={"first_version": first.version, "second_version": second.version},
    )
    if form.is_valid():
        first.version = form.cleaned_data["first_version"]
        second.version = form.cleaned_data["second_version"]
        keep, absorb = (
            (first, second) if form.cleaned_data["keep"] == KEEP_FIRST else (second, first)
        )
        try:
            kept = participant_merge(actor=request.user, keep=keep, absorb=absorb)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Die beiden Datensätze wurden zusammengeführt."))
            return redirect(_detail_url(kept))
    verdict = match(PersonKey.of(first), PersonKey.of(second))
    context = {
        "first": first,
        "second": second,
        "form": form,
        "rows": _comparison(first, second),
        "counts": selectors.related_counts(first, second),
        "verdict": verdict,
        "percent": round(verdict.score * 100) if verdict else None,
    }
    return render(request, "cases/duplicates_merge.html", context)


@require_POST
@require_role(*DISTRICT_STAFF)
def duplicate_dismiss(request, public_id, other_id):
    first, second = _pair(request, public_id, other_id)
    try:
        services.duplicate_dismiss(actor=request.user, first=first, second=second)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Das Paar wird nicht mehr als mögliche Dublette vorgeschlagen.")
        )
    return redirect("cases:duplicate_list")


def merged_participant_redirect(request, public_id):
    """For the participant page: the old link of a record merged into another leads to the
    kept record (for users who see it); 404 for anything else."""
    membership = request.membership
    if membership is None or membership.role not in CASE_WORK_ROLES:
        raise Http404
    kept = in_active_district(
        request, selectors.merged_participant_for_user(request.user, public_id)
    )
    return redirect(_detail_url(kept))
