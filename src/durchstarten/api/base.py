"""What every endpoint shares: size limit, versions as ETags, service errors as problems."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.utils.cache import quote_etag
from rest_framework import viewsets
from rest_framework.response import Response

from durchstarten.api.problems import Conflict, PayloadTooLarge, PreconditionRequired
from durchstarten.core.services import STALE_VERSION

STALE = "stale"


class ApiViewSet(viewsets.GenericViewSet):
    # The base of every endpoint: authenticates itself and refuses oversized bodies before
    # they are parsed. A comment, not a docstring: the schema would show it on every endpoint
    # that has no description of its own.

    @classmethod
    def as_view(cls, *args, **kwargs):
        # The API authenticates itself (token or session) and answers 401 as problem details;
        # the login redirect of LoginRequiredMiddleware would turn that into an HTML page.
        return login_not_required(super().as_view(*args, **kwargs))

    def initial(self, request, *args, **kwargs):
        length = request.META.get("CONTENT_LENGTH") or 0
        try:
            too_large = int(length) > settings.DURCHSTARTEN_API_MAX_BODY_BYTES
        except ValueError:
            too_large = False
        if too_large:
            raise PayloadTooLarge
        super().initial(request, *args, **kwargs)


def etag_for(obj) -> str:
    # Every record the API names carries a public id; the pk never leaves the server.
    key = obj.public_id
    return quote_etag(f"{key}-{obj.version}")


def with_etag(response: Response, obj) -> Response:
    response["ETag"] = etag_for(obj)
    return response


def expected_version(request, obj) -> int:
    """The version the client edited, from If-Match; refuses a missing or outdated one."""
    sent = request.headers.get("If-Match")
    if not sent:
        raise PreconditionRequired
    tags = {tag.strip().removeprefix("W/") for tag in sent.split(",")}
    if etag_for(obj) not in tags:
        raise Conflict(detail=STALE_VERSION, code=STALE)
    return obj.version
