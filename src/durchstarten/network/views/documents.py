"""The document library: list, detail with versions, upload, download, edit, delete."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from durchstarten.core.decorators import in_active_district, require_role
from durchstarten.core.forms import add_service_error
from durchstarten.core.lists import filter_data, filtered_list, paginate
from durchstarten.network import selectors
from durchstarten.network.choices import MIME_TYPES
from durchstarten.network.filters import DocumentFilterForm
from durchstarten.network.forms import DocumentCreateForm, DocumentForm, VersionForm
from durchstarten.network.services import documents as services
from durchstarten.network.uploads import EXTENSIONS
from durchstarten.network.views._common import DISTRICT, MANAGING, bound, may_edit, render_list


def _document(request, public_id):
    return in_active_district(request, selectors.get_document_for_user(request.user, public_id))


@filtered_list(DocumentFilterForm)
@require_GET
@require_role(*DISTRICT)
def document_list(request):
    filters = DocumentFilterForm(filter_data(request))
    documents = selectors.document_library(request.user, district_id=request.membership.district_id)
    context = {
        "filters": filters,
        "page_obj": paginate(request, filters.apply(documents)),
        "may_edit": may_edit(request),
    }
    return render_list(request, "network/document_list.html", context)


@require_GET
@require_role(*DISTRICT)
def document_detail(request, public_id):
    document = _document(request, public_id)
    context = {
        "document": document,
        "versions": selectors.version_list_for_document(document),
        "may_edit": may_edit(request),
    }
    if may_edit(request):
        context["version_form"] = VersionForm()
    return render(request, "network/document_detail.html", context)


@require_http_methods(["GET", "POST"])
@require_role(*MANAGING)
def document_create(request):
    form = bound(DocumentCreateForm, request)
    if form.is_valid():
        try:
            document = services.document_create(
                actor=request.user, district=request.membership.district, **form.service_fields()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Das Dokument „%(title)s“ wurde mit Fassung 1 angelegt.")
                % {"title": document.title},
            )
            return redirect("network:document_detail", public_id=document.public_id)
    return render(request, "network/document_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@require_role(*MANAGING)
def document_edit(request, public_id):
    document = _document(request, public_id)
    initial = {name: getattr(document, name) for name in services.DOCUMENT_FIELDS}
    form = bound(DocumentForm, request, initial={**initial, "version": document.version})
    form.fields["version"].required = True
    if form.is_valid():
        try:
            services.document_update(
                actor=request.user,
                document=document,
                version=form.cleaned_data["version"],
                **form.service_fields(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Die Angaben zum Dokument wurden gespeichert."))
            return redirect("network:document_detail", public_id=document.public_id)
    return render(request, "network/document_form.html", {"form": form, "document": document})


@require_http_methods(["GET", "POST"])
@require_role(*MANAGING)
def document_delete(request, public_id):
    document = _document(request, public_id)
    if request.method == "POST":
        services.document_delete(actor=request.user, document=document)
        messages.success(
            request, _("Das Dokument „%(title)s“ wurde gelöscht.") % {"title": document.title}
        )
        return redirect("network:document_list")
    return render(
        request,
        "network/document_confirm_delete.html",
        {"document": document, "version_count": document.versions.count()},
    )


@require_http_methods(["GET", "POST"])
@require_role(*MANAGING)
def version_create(request, public_id):
    document = _document(request, public_id)
    form = bound(VersionForm, request)
    if form.is_valid():
        try:
            version = services.version_add(
                actor=request.user, document=document, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Fassung %(number)s von „%(title)s“ wurde hochgeladen.")
                % {"number": version.number, "title": document.title},
            )
            return redirect("network:document_detail", public_id=document.public_id)
    return render(request, "network/version_form.html", {"form": form, "document": document})


@require_GET
@require_role(*DISTRICT)
def version_download(request, public_id):
    """The file as an attachment, never shown inline, after the district check; logged."""
    version = selectors.get_version_for_user(request.user, public_id)
    in_active_district(request, version.document)
    try:
        with version.file.open("rb") as stored:
            content = stored.read()
    except FileNotFoundError:
        raise Http404 from None
    services.version_downloaded(actor=request.user, version=version)
    name = "{}-fassung-{}{}".format(
        slugify(version.document.title)[:80] or "dokument",
        version.number,
        EXTENSIONS.get(version.file_type, ""),
    )
    response = HttpResponse(
        content, content_type=MIME_TYPES.get(version.file_type, "application/octet-stream")
    )
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    # A document opened by mistake in the browser must not run anything.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; frame-ancestors 'none'"
    return response
