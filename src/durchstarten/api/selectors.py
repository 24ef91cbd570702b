from uuid import UUID

from django.shortcuts import get_object_or_404

from durchstarten.api.models import ApiToken
from durchstarten.core.models import User


def api_token_list_for_user(user: User):
    return ApiToken.objects.filter(user=user)


def get_api_token_for_user(user: User, public_id: UUID) -> ApiToken:
    """The user's own token; anyone else's answers 404."""
    return get_object_or_404(ApiToken, user=user, public_id=public_id)
