"""The account page, two-factor authentication and break-glass access."""

import copy

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.shortcuts import redirect, render, resolve_url
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from durchstarten.accounts import selectors, services, two_factor
from durchstarten.accounts.forms import (
    BreakGlassFilterForm,
    BreakGlassForm,
    CodeForm,
    RemoveForm,
    SetupForm,
)
from durchstarten.accounts.middleware import outstanding_step
from durchstarten.accounts.qr import qr_code_svg, totp_config_url
from durchstarten.accounts.sections import sections_for
from durchstarten.cases import selectors as case_selectors
from durchstarten.cases.views._page import LANGUAGE_NAMES, TIMELINE_KINDS
from durchstarten.core.audit import log_action
from durchstarten.core.decorators import require_role
from durchstarten.core.forms import add_service_error
from durchstarten.core.lists import filter_data, filtered_list, paginate
from durchstarten.core.models import Role
from durchstarten.core.security import lockout_response

BREAK_GLASS_VIEWERS = (Role.ADMIN, Role.COORDINATOR)


def _bound(form_class, request, **kwargs):
    return form_class(request.POST if request.method == "POST" else None, **kwargs)


# --- The account page -----------------------------------------------------------------------


@require_http_methods(["GET"])
def overview(request):
    user = request.user
    device = two_factor.confirmed_totp_device(user)
    return render(
        request,
        "accounts/overview.html",
        {
            "account": user,
            "memberships": request.memberships,
            "has_two_factor": device is not None,
            "two_factor_enforced": two_factor.is_enforced_for(
                {m.role for m in request.memberships}
            ),
            "logins": selectors.recent_logins(user),
            "sections": sections_for(request),
        },
    )


# --- Two-factor authentication --------------------------------------------------------------


@require_http_methods(["GET"])
def two_factor_status(request):
    user = request.user
    device = two_factor.confirmed_totp_device(user)
    return render(
        request,
        "accounts/two_factor.html",
        {
            "device": device,
            "backup_codes_left": two_factor.backup_codes_left(user) if device else 0,
            "two_factor_enforced": two_factor.is_enforced_for(
                {m.role for m in request.memberships}
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    user = request.user
    if two_factor.has_confirmed_device(user):
        if not user.is_verified():
            # Set up in another session after this one began: this one owes the code now.
            two_factor.remember_state(request, user)
            return redirect("accounts:otp_verify")
        messages.info(request, _("Die Zwei-Faktor-Anmeldung ist bereits eingerichtet."))
        return redirect("accounts:two_factor")
    device = two_factor.totp_setup_start(actor=user)
    form = _bound(SetupForm, request)
    if form.is_valid():
        try:
            codes = two_factor.totp_setup_confirm(
                actor=user, device=device, token=form.cleaned_data["token"], request=request
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Die Zwei-Faktor-Anmeldung ist jetzt eingerichtet."))
            return render(request, "accounts/backup_codes.html", {"codes": codes, "new": True})
    config_url = totp_config_url(device, user)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_code": qr_code_svg(config_url, title=_("QR-Code für Ihre Authenticator-App")),
            "secret": two_factor.secret_for_display(device),
            "pending": getattr(request, "two_factor_step", None) is not None,
        },
    )


@require_http_methods(["GET", "POST"])
def backup_codes(request):
    """GET asks for confirmation; POST replaces the codes and shows the new ones once."""
    if not two_factor.has_confirmed_device(request.user):
        return redirect("accounts:two_factor_setup")
    if request.method == "GET":
        return render(request, "accounts/backup_codes_confirm.html")
    codes = two_factor.backup_codes_regenerate(actor=request.user)
    return render(request, "accounts/backup_codes.html", {"codes": codes})


@require_http_methods(["GET", "POST"])
def two_factor_remove(request):
    if not two_factor.has_confirmed_device(request.user):
        return redirect("accounts:two_factor")
    form = _bound(RemoveForm, request)
    if form.is_valid():
        try:
            two_factor.two_factor_remove(
                actor=request.user,
                password=form.cleaned_data["password"],
                token=form.cleaned_data["token"],
                request=request,
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Die Zwei-Faktor-Anmeldung wurde entfernt."))
            return redirect("accounts:two_factor")
    return render(
        request,
        "accounts/two_factor_remove.html",
        {
            "form": form,
            "two_factor_enforced": two_factor.is_enforced_for(
                {m.role for m in request.memberships}
            ),
        },
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _lock_out_if_needed(request, *, failed: bool):
    """Count a wrong code towards django-axes' lockout (per user name and address) and answer
    with the lockout page once it is reached; None while the user may try again."""
    credentials = {"username": request.user.get_username()}
    attempt = request
    if failed:
        # django-axes keeps the posted fields of a failed attempt: not the code.
        attempt = copy.copy(request)
        attempt.POST = QueryDict()
        AxesProxyHandler.user_login_failed(
            sender=__name__, credentials=credentials, request=attempt
        )
    if not AxesProxyHandler.is_locked(attempt, credentials):
        return None
    logout(request)
    return lockout_response(request, None, credentials)


@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """The second step of the login: a code from the app or a backup code."""
    if outstanding_step(request) != "accounts:otp_verify":
        return redirect(_next_url(request))
    form = _bound(CodeForm, request)
    if request.method == "POST":
        locked = _lock_out_if_needed(request, failed=False)
        if locked is not None:
            return locked
        if form.is_valid():
            device = two_factor.login_verify(request=request, token=form.cleaned_data["token"])
            if device is not None:
                return redirect(_next_url(request))
            locked = _lock_out_if_needed(request, failed=True)
            if locked is not None:
                return locked
            # A fresh field: the wrong code is not shown again.
            form = CodeForm({"token": ""})
            form.is_valid()
            form.errors["token"] = form.error_class([two_factor.WRONG_CODE])
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})


# --- Break-glass access ---------------------------------------------------------------------


def _acting_district(request) -> int | None:
    return request.membership.district_id


@filtered_list(BreakGlassFilterForm)
@require_http_methods(["GET", "POST"])
@require_role(*BREAK_GLASS_VIEWERS)
def break_glass_list(request):
    filters = BreakGlassFilterForm(filter_data(request))
    accesses = filters.apply(
        selectors.break_glass_list_for_user(request.user, district_id=_acting_district(request))
    )
    if request.membership.role == Role.ADMIN:
        accesses = accesses.select_related("participant__district")
    page_obj = paginate(request, accesses)
    page_obj.object_list = list(page_obj.object_list)
    for access in page_obj.object_list:
        access.active = access.is_active()
        access.may_revoke = access.active and services.may_revoke(request.user, access)
    context = {
        "filters": filters,
        "page_obj": page_obj,
        "is_admin": request.membership.role == Role.ADMIN,
    }
    # htmx asks for the results only while the user types (the whole page on history restore).
    fragment = bool(request.htmx) and not request.htmx.history_restore_request
    context["fragment"] = fragment
    template = "accounts/break_glass_list.html" + ("#results" if fragment else "")
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_http_methods(["GET", "POST"])
@require_role(Role.ADMIN)
def break_glass_create(request):
    form = _bound(BreakGlassForm, request)
    if form.is_valid():
        try:
            access = services.break_glass_request(actor=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Der Notfallzugriff ist freigeschaltet."))
            return redirect("accounts:break_glass_participant", public_id=access.public_id)
    return render(request, "accounts/break_glass_form.html", {"form": form})


@require_http_methods(["GET"])
@require_role(Role.ADMIN)
def break_glass_participant(request, public_id):
    """The participant's record, read only, while the admin's grant is in force."""
    access = selectors.get_active_break_glass_for_user(request.user, public_id)
    # Through the scoped selector: the grant is what makes the participant visible.
    participant = case_selectors.get_participant_for_user(
        request.user, access.participant.public_id
    )
    log_action(
        "participant.read.break_glass",
        actor=request.user,
        obj=participant,
        data={"access": str(access.public_id)},
    )
    detail = case_selectors.participant_detail(request.user, participant)
    for consent in detail["consents"]:
        consent.form_language_label = LANGUAGE_NAMES.get(consent.form_language, "")
    context = {
        "access": access,
        "participant": participant,
        "detail": detail,
        "can_edit": False,
        "timeline": [(event, TIMELINE_KINDS.get(event.kind, "")) for event in detail["timeline"]],
        "outreaches": [event.obj for event in detail["timeline"] if event.kind == "outreach"],
        "record_languages": [LANGUAGE_NAMES.get(code, code) for code in participant.languages],
    }
    return render(request, "accounts/break_glass_participant.html", context)


@require_http_methods(["GET", "POST"])
@require_role(*BREAK_GLASS_VIEWERS)
def break_glass_revoke(request, public_id):
    access = selectors.get_break_glass_for_user(
        request.user, public_id, district_id=_acting_district(request)
    )
    if not services.may_revoke(request.user, access):
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.break_glass_revoke(actor=request.user, access=access)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Der Notfallzugriff wurde beendet."))
        return redirect("accounts:break_glass_list")
    return render(request, "accounts/break_glass_revoke.html", {"access": access})
