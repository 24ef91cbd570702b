"""The privacy records of one side of the security world.

Each participant (index 1 = coached by P1, 2 = by P2) gets a legal hold in force and a granted
erasure request. The participants are enrolled, so carrying the request out is refused with
a reason: the matrix's empty POSTs change nothing there.
"""

import datetime as dt

from durchstarten.privacy.models import Decision, LegalHold, PrivacyRequest, RetentionPolicy


def build(side, day) -> None:
    o, name = side.objects, side.name
    RetentionPolicy.objects.create(district=side.district, data_class="notes", days=800)
    for index in (1, 2):
        participant = o[("participant", index)]
        o[("legal_hold", index)] = LegalHold.objects.create(
            participant=participant,
            reason=f"Aufbewahrung {name}{index}",
            until=day + dt.timedelta(days=30),
        )
        o[("privacy_request", index)] = PrivacyRequest.objects.create(
            participant=participant,
            kind="erasure",
            received_on=day,
            legal_basis="art17_1b",
            note=f"Antrag {name}{index}",
            decision=Decision.GRANTED,
            decided_on=day,
        )
