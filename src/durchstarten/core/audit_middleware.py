from durchstarten.core.audit import current_request, log_action
from durchstarten.core.models import AuditOutcome

DENIED_STATUS = 403


class AuditRequestMiddleware:
    """Makes the request known to log_action and logs refused requests of signed-in users.

    Only the URL's name is stored, never the path: paths carry ids. 404 answers (also those
    for other districts' records) are not logged: they cannot be told apart from mistyped or
    stale links and would drown the log.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        if response.status_code == DENIED_STATUS and request.user.is_authenticated:
            membership = getattr(request, "membership", None)
            match = getattr(request, "resolver_match", None)
            log_action(
                "access.denied",
                actor=request.user,
                request=request,
                outcome=AuditOutcome.DENIED,
                district_id=membership.district_id if membership is not None else None,
                data={"url_name": match.view_name if match else "", "method": request.method},
            )
        return response
