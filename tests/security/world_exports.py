"""The exports records of one side of the security world: every staff member of the district
may export, and every one of them has a calendar address (so that regenerating and revoking
have something to act on). The tokens are fixed; only their hashes are stored."""

from durchstarten.core.models import Membership
from durchstarten.exports.models import CalendarFeed
from durchstarten.exports.services import token_hash


def token_for(side, key: str) -> str:
    return f"security-world-{side.name}-{key}"


def build(side, day) -> None:
    Membership.objects.filter(district=side.district).update(can_export=True)
    for key, user in side.users.items():
        CalendarFeed.objects.create(user=user, token_hash=token_hash(token_for(side, key)))
