"""Break-glass grants of one side of the security world.

Each side gets an admin (``side.users["admin"]``) holding a running grant for two extra
participants of the district (index 1 in municipality M1, 2 in M2). The participants are
extra so that the grants change nothing the other areas' rows expect of their records.
The world's admin under test is side A's admin.
"""

import datetime as dt

from django.utils import timezone

from durchstarten.accounts.models import BreakGlassAccess
from durchstarten.core.models import Role
from tests.factories import ParticipantFactory, member


def build(side, day) -> None:
    district, o, name = side.district, side.objects, side.name
    admin = side.users["admin"] = member(Role.ADMIN)
    now = timezone.now()
    for index in (1, 2):
        person = ParticipantFactory(
            district=district,
            municipality=o[("municipality", index)],
            given_names=f"Notfall{name}{index}",
            family_name=f"Notfallakte{name}{index}",
            date_of_birth=dt.date(2003, 2, 1),
        )
        o[("break_glass", index)] = BreakGlassAccess.objects.create(
            user=admin,
            participant=person,
            reason=f"Supportanfrage Notfallgrund {name}{index}",
            starts_at=now - dt.timedelta(minutes=5),
            ends_at=now + dt.timedelta(hours=4),
        )
