"""Exports of the scoped lists (XLSX and CSV) and the calendar feed with its settings page.

An export link carries its list's filter token (``?f=``) and sort, so the file holds exactly
the rows the list shows, all pages of them. Personal data leaves the system's access control
with an export: it needs the membership's export permission, and every export and every
refusal is written to the audit log.
"""

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from durchstarten.core.decorators import require_role
from durchstarten.core.forms import add_service_error
from durchstarten.core.models import Role
from durchstarten.core.scoping import CASE_WORK_ROLES, has_role
from durchstarten.exports import calendar, selectors, services, tables, writers
from durchstarten.exports.forms import CalendarFeedForm

DIRECTORY_ROLES = (Role.COORDINATOR, Role.CASE_MANAGER, Role.COACH, Role.PROVIDER_STAFF)
INBOX_ROLES = (Role.COORDINATOR, Role.PROVIDER_STAFF)
CALENDAR_ROLES = tuple(services.CALENDAR_ROLES)
# The list each export belongs to: where an expired filter token sends the user back.
LIST_OF = {
    "participants": "cases:participant_list",
    "offers": "offers:offer_list",
    "referrals": "offers:inbox",
    "tasks": "cases:my_tasks",
}
# Offers hold no personal data: every role that sees the directory may export it.
PERSONAL = frozenset({"participants", "referrals", "tasks"})
# The token is shown once, on the page after it was made; it waits in the session until then.
NEW_TOKEN_SESSION_KEY = "exports_calendar_token"  # noqa: S105 - a session key, no secret


def _export(request, build, fmt: str):
    membership = request.membership
    kind = build.__name__
    if kind in PERSONAL and not membership.can_export:
        services.export_refused(
            actor=request.user, kind=kind, fmt=fmt, district_id=membership.district_id
        )
        return render(request, "exports/not_allowed.html", status=403)
    try:
        table = build(request)
    except tables.FiltersExpired:
        messages.warning(
            request,
            _(
                "Ihre Suche ist abgelaufen. Bitte filtern Sie die Liste erneut und exportieren "
                "Sie dann."
            ),
        )
        return redirect(LIST_OF[kind])
    filename = f"{table.filename}.{fmt}"
    if fmt == "csv":
        # Streamed: counted beforehand, so that the audit entry exists before the data leaves.
        rows = table.queryset.count()
        response = writers.csv_response(filename, table.header, table.rows())
    else:
        response, rows = writers.xlsx_response(
            filename, str(table.title), table.header, table.rows()
        )
    services.export_logged(
        actor=request.user,
        kind=kind,
        fmt=fmt,
        rows=rows,
        filter_keys=table.filter_keys,
        district_id=membership.district_id,
    )
    return response


def _export_view(build, roles, fmt: str):
    @require_GET
    @require_role(*roles)
    def view(request):
        return _export(request, build, fmt)

    view.__name__ = f"{build.__name__}_{fmt}"
    view.__doc__ = f"The {build.__name__} list as {fmt.upper()}."
    return view


participants_xlsx = _export_view(tables.participants, CASE_WORK_ROLES, "xlsx")
participants_csv = _export_view(tables.participants, CASE_WORK_ROLES, "csv")
offers_xlsx = _export_view(tables.offers, DIRECTORY_ROLES, "xlsx")
offers_csv = _export_view(tables.offers, DIRECTORY_ROLES, "csv")
referrals_xlsx = _export_view(tables.referrals, INBOX_ROLES, "xlsx")
referrals_csv = _export_view(tables.referrals, INBOX_ROLES, "csv")
tasks_xlsx = _export_view(tables.tasks, CASE_WORK_ROLES, "xlsx")
tasks_csv = _export_view(tables.tasks, CASE_WORK_ROLES, "csv")


# --- Calendar: settings -------------------------------------------------------------------------


def _feed_url(request, token: str) -> str:
    return request.build_absolute_uri(reverse("exports:calendar_feed", kwargs={"token": token}))


def _show_token_once(request, token: str):
    request.session[NEW_TOKEN_SESSION_KEY] = token
    return redirect("exports:calendar")


@require_http_methods(["GET", "POST"])
@require_role(*CALENDAR_ROLES)
def calendar_settings(request):
    feed = selectors.get_feed_for_user(request.user)
    form = CalendarFeedForm(
        request.POST if request.method == "POST" else None,
        initial=CalendarFeedForm.initial_for(feed),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            if feed is None:
                _feed, token = services.calendar_feed_create(
                    actor=request.user, detail=data["detail"], show_titles=data["show_titles"]
                )
                messages.success(request, _("Ihre Kalenderadresse wurde erzeugt."))
                return _show_token_once(request, token)
            services.calendar_feed_update(
                actor=request.user,
                feed=feed,
                version=data["version"] or feed.version,
                detail=data["detail"],
                show_titles=data["show_titles"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Die Einstellungen des Kalenders wurden gespeichert."))
            return redirect("exports:calendar")
    token = request.session.pop(NEW_TOKEN_SESSION_KEY, None) if request.method == "GET" else None
    feed_url = _feed_url(request, token) if token and feed is not None else ""
    return render(
        request,
        "exports/calendar.html",
        {
            "feed": feed,
            "form": form,
            "feed_url": feed_url,
            "webcal_url": feed_url.replace("https://", "webcal://", 1).replace(
                "http://", "webcal://", 1
            ),
            "may_show_names": bool(selectors.export_district_ids(request.user)),
        },
    )


def _own_feed(request):
    feed = selectors.get_feed_for_user(request.user)
    if feed is None:
        raise Http404
    return feed


@require_http_methods(["GET", "POST"])
@require_role(*CALENDAR_ROLES)
def calendar_regenerate(request):
    feed = _own_feed(request)
    if request.method == "POST":
        token = services.calendar_feed_regenerate(actor=request.user, feed=feed)
        messages.success(
            request, _("Die neue Kalenderadresse ist erzeugt; die bisherige gilt nicht mehr.")
        )
        return _show_token_once(request, token)
    return render(request, "exports/calendar_confirm.html", {"step": "regenerate"})


@require_http_methods(["GET", "POST"])
@require_role(*CALENDAR_ROLES)
def calendar_revoke(request):
    feed = _own_feed(request)
    if request.method == "POST":
        services.calendar_feed_revoke(actor=request.user, feed=feed)
        messages.success(request, _("Die Kalenderadresse wurde widerrufen."))
        return redirect("exports:calendar")
    return render(request, "exports/calendar_confirm.html", {"step": "revoke"})


# --- Calendar: the feed ---------------------------------------------------------------------------


def _event_url(request, user, participant, district_id: int, fallback: str) -> str:
    if participant is not None and has_role(user, district_id, CASE_WORK_ROLES):
        path = reverse("cases:participant_detail", kwargs={"public_id": participant.public_id})
    else:
        path = reverse(fallback)
    return request.build_absolute_uri(path)


def _feed_items(request, feed) -> list[calendar.Item]:
    user = feed.user
    names = selectors.export_district_ids(user)
    items = []
    for task in selectors.calendar_tasks(user):
        participant = task.participant if task.participant_id else None
        url = _event_url(request, user, participant, task.district_id, "cases:my_tasks")
        items.append(
            calendar.task_item(feed, task, names_allowed=task.district_id in names, url=url)
        )
    for referral in selectors.calendar_referrals(user):
        url = _event_url(request, user, referral.participant, referral.district_id, "offers:inbox")
        items.append(
            calendar.referral_item(
                feed, referral, names_allowed=referral.district_id in names, url=url
            )
        )
    return items


@login_not_required
@require_safe
def calendar_feed(request, token):
    """The ICS feed. The secret address is the credential: no login (calendar programs cannot
    sign in); what it shows is scoped anew on every request."""
    feed = selectors.get_feed_by_token_hash(services.token_hash(token))
    if feed is None:
        raise Http404
    items = _feed_items(request, feed)
    body = calendar.render(
        items,
        name=_("Durchstarten: Aufgaben und Vermittlungsbeginne"),
        uid=calendar.feed_uid(feed),
    )
    digest = hashlib.sha256(body).hexdigest()
    services.calendar_feed_fetched(
        feed=feed, content_hash=digest, events=len(items), request=request
    )
    etag = quote_etag(digest[:32])
    last_modified = int(feed.content_changed_at.timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="durchstarten.ics"'
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["X-Robots-Tag"] = "noindex, nofollow"
    patch_cache_control(response, private=True, max_age=0, must_revalidate=True)
    return response
