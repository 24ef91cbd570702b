"""Personal API tokens of one side: index 1 belongs to the coordinator, 2 to a case manager."""

import datetime as dt

from durchstarten.api.models import TokenScope
from durchstarten.api.services import api_token_create


def build(side, day) -> None:
    for index, role in ((1, "coordinator"), (2, "case_manager")):
        token, _secret = api_token_create(
            actor=side.users[role],
            name=f"Schlüssel {side.name}{index}",
            scope=TokenScope.READ,
            expires_on=day + dt.timedelta(days=30),
        )
        side.objects[("api_token", index)] = token
