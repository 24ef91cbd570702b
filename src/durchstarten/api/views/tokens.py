"""The user's personal API tokens: list, create (secret shown once), revoke."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from durchstarten.api import selectors, services
from durchstarten.api.forms import ApiTokenForm
from durchstarten.core.forms import add_service_error
from durchstarten.core.lists import paginate


@require_GET
def token_list(request):
    tokens = selectors.api_token_list_for_user(request.user)
    return render(request, "api/token_list.html", {"page_obj": paginate(request, tokens)})


@require_http_methods(["GET", "POST"])
def token_create(request):
    form = ApiTokenForm(request.POST or None)
    if form.is_valid():
        try:
            token, secret = services.api_token_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            # Rendered, not redirected: the secret must not pass through a URL or the session.
            return render(request, "api/token_created.html", {"token": token, "secret": secret})
    return render(request, "api/token_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def token_revoke(request, public_id):
    token = selectors.get_api_token_for_user(request.user, public_id)
    if request.method == "POST":
        try:
            services.api_token_revoke(actor=request.user, token=token)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(
                request, _("Der API-Schlüssel „%(name)s“ ist widerrufen.") % {"name": token.name}
            )
        return redirect("api_tokens:list")
    return render(request, "api/token_confirm_revoke.html", {"token": token})
