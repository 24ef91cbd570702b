from durchstarten.core.selectors import active_membership_for

SESSION_KEY = "active_membership"


class ActiveMembershipMiddleware:
    """Sets request.memberships and request.membership (the role and district acted in)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.memberships, request.membership = [], None
        if request.user.is_authenticated:
            request.memberships, request.membership = active_membership_for(
                request.user, request.session.get(SESSION_KEY)
            )
        return self.get_response(request)
