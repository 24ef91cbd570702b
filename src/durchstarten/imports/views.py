"""Pages of the list import: list of imports, upload, check with preview (mapping, errors,
duplicates), confirmation, rejected rows, undo, and the templates to fill in."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from durchstarten.core.decorators import in_active_district, require_role
from durchstarten.core.forms import add_service_error
from durchstarten.core.lists import filter_data, filtered_list, paginate
from durchstarten.core.models import Role
from durchstarten.imports import selectors, services
from durchstarten.imports.cells import as_text
from durchstarten.imports.columns import COLUMNS
from durchstarten.imports.filters import BatchFilterForm
from durchstarten.imports.forms import ConfirmForm, MappingForm, UploadForm, decision_choices
from durchstarten.imports.models import BatchStatus, Decision, ImportKind
from durchstarten.imports.workbook import XLSX, rejected_xlsx, template_xlsx

DISTRICT = (Role.COORDINATOR, Role.CASE_MANAGER)
DUPLICATES_PER_PAGE = 25
TEMPLATE_NAMES = {ImportKind.PARTICIPANTS: "teilnehmende", ImportKind.OFFERS: "angebote"}


def _batch(request, public_id):
    return in_active_district(request, selectors.get_batch_for_user(request.user, public_id))


def _may_import(request, kind: str) -> None:
    if not services.may_import(request.user, request.membership.district_id, kind):
        raise PermissionDenied


def _bound(request) -> tuple:
    """Form data of a POST (even an empty one), nothing for a GET."""
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@filtered_list(BatchFilterForm)
@require_GET
@require_role(*DISTRICT)
def batch_list(request):
    filters = BatchFilterForm(filter_data(request))
    batches = selectors.batch_list_for_user(
        request.user, district_id=request.membership.district_id
    )
    context = {
        "filters": filters,
        "page_obj": paginate(request, filters.apply(batches)),
        "kinds": selectors.kinds_for(request.user, request.membership.district_id),
    }
    fragment = bool(request.htmx) and not request.htmx.history_restore_request
    context["fragment"] = fragment
    response = render(
        request, "imports/batch_list.html" + ("#results" if fragment else ""), context
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "POST"])
@require_role(*DISTRICT)
def upload(request, kind):
    _may_import(request, kind)
    form = UploadForm(*_bound(request))
    if form.is_valid():
        file = form.cleaned_data["file"]
        try:
            batch = services.import_batch_create(
                actor=request.user,
                district=request.membership.district,
                kind=kind,
                file=file,
                file_name=file.name,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return redirect("imports:batch_detail", public_id=batch.public_id)
    return render(request, "imports/upload.html", {"form": form, "kind": ImportKind(kind)})


@require_GET
@require_role(*DISTRICT)
def template_download(request, kind):
    _may_import(request, kind)
    return _xlsx(template_xlsx(kind), f"vorlage-{TEMPLATE_NAMES[kind]}.xlsx")


def _row_label(batch, row) -> str:
    """How the preview names a row of a participant list: its names as written in the file."""
    parts = []
    for key in ("given_names", "family_name"):
        for index, mapped in batch.mapping.items():
            if mapped == key and int(index) < len(row.cells) and row.cells[int(index)]:
                parts.append(as_text(row.cells[int(index)]))
    return " ".join(parts) or _("Zeile %(row)s") % {"row": row.number}


def _duplicates(request, batch):
    page = Paginator(selectors.duplicate_rows(batch), DUPLICATES_PER_PAGE).get_page(
        request.GET.get("dubletten")
    )
    rows = list(page.object_list)
    existing = selectors.candidates_for(request.user, rows)
    numbers = {c["row"] for row in rows for c in row.duplicates if c["row"]}
    in_file = {r.number: r for r in batch.rows.filter(number__in=numbers)}
    labels = {pid: f"{p.full_name} ({_('vorhanden')})" for pid, p in existing.items()}
    labels.update(
        {
            f"row:{n}": _("%(name)s (Zeile %(row)s dieser Datei)")
            % {"name": _row_label(batch, r), "row": n}
            for n, r in in_file.items()
        }
    )
    for row in rows:
        row.label = _row_label(batch, row)
        row.choices = decision_choices(row, labels)
        row.current = (
            f"merge:{row.merge_target}" if row.decision == Decision.MERGE else row.decision
        )
        row.candidates = [
            {**c, "label": labels.get(c["participant"] or f"row:{c['row']}", "–")}
            for c in row.duplicates
        ]
    return page, rows


@require_GET
@require_role(*DISTRICT)
def batch_detail(request, public_id):
    batch = _batch(request, public_id)
    if request.htmx and not request.htmx.history_restore_request:
        if batch.is_running:
            return render(request, "imports/batch_detail.html#progress", {"batch": batch})
        response = HttpResponse()
        response["HX-Refresh"] = "true"
        return response
    context = {"batch": batch}
    if batch.status in (BatchStatus.READY, BatchStatus.DONE, BatchStatus.FAILED):
        errors = paginate(request, selectors.error_rows(batch))
        context["errors_page"] = errors
    if batch.status == BatchStatus.READY:
        context["duplicates_page"], context["duplicate_rows"] = _duplicates(request, batch)
        context["confirm_form"] = ConfirmForm(initial={"skip_invalid": bool(batch.invalid_rows)})
        context["mapped"] = _mapped_columns(batch)
    return render(request, "imports/batch_detail.html", context)


def _mapped_columns(batch):
    headers = {c.key: c.header for c in COLUMNS[batch.kind]}
    mapped = [
        (batch.headers[int(index)], headers[key])
        for index, key in sorted(batch.mapping.items(), key=lambda item: int(item[0]))
        if int(index) < len(batch.headers)
    ]
    missing = [
        c.header for c in COLUMNS[batch.kind] if c.required and c.key not in batch.mapping.values()
    ]
    return {"pairs": mapped, "unknown": batch.unknown_headers, "missing": missing}


@require_http_methods(["GET", "POST"])
@require_role(*DISTRICT)
def batch_mapping(request, public_id):
    batch = _batch(request, public_id)
    form = MappingForm(*_bound(request)[:1], batch=batch)
    if request.method == "POST" and form.is_valid():
        try:
            services.import_batch_remap(
                actor=request.user,
                batch=batch,
                mapping=form.mapping(),
                remember=form.cleaned_data["remember"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Die Spalten wurden neu zugeordnet und geprüft."))
            return redirect("imports:batch_detail", public_id=batch.public_id)
    return render(request, "imports/mapping.html", {"batch": batch, "form": form})


@require_POST
@require_role(*DISTRICT)
def batch_decide(request, public_id):
    batch = _batch(request, public_id)
    rows = {f"row_{row.number}": row for row in selectors.duplicate_rows(batch)}
    changed = 0
    try:
        for name, value in request.POST.items():
            row = rows.get(name)
            if row is None:
                continue
            decision, _sep, target = value.partition(":")
            services.import_row_decide(
                actor=request.user, batch=batch, row=row, decision=decision, target=target
            )
            changed += 1
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if changed:
            messages.success(request, _("Ihre Entscheidungen wurden gespeichert."))
    return redirect("imports:batch_detail", public_id=batch.public_id)


@require_http_methods(["GET", "POST"])
@require_role(*DISTRICT)
def batch_confirm(request, public_id):
    batch = _batch(request, public_id)
    form = ConfirmForm(*_bound(request)[:1], initial={"skip_invalid": bool(batch.invalid_rows)})
    if request.method == "POST" and form.is_valid():
        try:
            services.import_batch_confirm(
                actor=request.user, batch=batch, skip_invalid=form.cleaned_data["skip_invalid"]
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            return redirect("imports:batch_detail", public_id=batch.public_id)
    return render(request, "imports/confirm.html", {"batch": batch, "form": form})


@require_GET
@require_role(*DISTRICT)
def batch_rejected(request, public_id):
    batch = _batch(request, public_id)
    content = rejected_xlsx(batch, selectors.error_rows(batch).iterator(chunk_size=1000))
    return _xlsx(content, f"abgelehnte-zeilen-{TEMPLATE_NAMES[batch.kind]}.xlsx")


@require_http_methods(["GET", "POST"])
@require_role(*DISTRICT)
def batch_undo(request, public_id):
    batch = _batch(request, public_id)
    blockers = services.undo_blockers(batch) if batch.status == BatchStatus.DONE else []
    if request.method == "POST":
        try:
            services.import_batch_undo(actor=request.user, batch=batch)
        except ValidationError as error:
            blockers = error.messages
        else:
            messages.success(request, _("Der Import wurde rückgängig gemacht."))
            return redirect("imports:batch_detail", public_id=batch.public_id)
    return render(
        request,
        "imports/undo.html",
        {"batch": batch, "blockers": blockers, "done": batch.status == BatchStatus.DONE},
    )
