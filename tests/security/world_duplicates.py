"""The duplicate records of one side of the security world.

For each participant (index 1: coached by P1, 2: by P2) a second record of the same person in
another spelling, with a placeholder birth date, goes into ``side.objects[("duplicate", i)]``;
the district-wide check then proposes both pairs.
"""

import datetime as dt

from durchstarten.cases.services import duplicates as duplicate_services
from tests.factories import ParticipantFactory


def build(side, day) -> None:
    district, o = side.district, side.objects
    for index in (1, 2):
        person = o[("participant", index)]
        o[("duplicate", index)] = ParticipantFactory(
            district=district,
            municipality=o[("municipality", index)],
            given_names=person.given_names.replace("Person", "Persson"),
            family_name=person.family_name,
            date_of_birth=dt.date(person.date_of_birth.year, 1, 1),
        )
    duplicate_services.duplicate_suggestions_refresh(
        actor=side.users["coordinator"], district=district
    )
