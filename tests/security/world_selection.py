"""The selection records of one side of the security world:
calls, bids and reviews of the provider selection.

Objects go into ``side.objects[(kind, index)]`` (index 1 = provider P1 or the district's own
record, 2 = provider P2) so that policy rows can point their URL arguments at them.

Calls have no provider, so index 1 and 2 are two calls of the same district, each in the
state its pages need:

- ``draft_call`` with a ``criterion`` (criteria are edited in drafts only);
- ``open_call`` with an ``open_bid`` by P1 resp. P2 (bids are deleted while open only);
- ``call`` in review with a ``bid`` by P1 resp. P2, fully scored by the district's
  coordinator (the only panel member), so that the decision form opens.
"""

import datetime as dt
from decimal import Decimal

from durchstarten.organisation.models import Module
from durchstarten.selection.models import Bid, Call, CallStatus, Criterion, Score


def _call(side, index: int, status: str, *, deadline: dt.date, day: dt.date) -> Call:
    call = Call.objects.create(
        district=side.district,
        module=Module.COACHING,
        title=f"Verfahren {status} {side.name}{index}",
        description=f"Beschreibung {status} {side.name}{index}",
        valid_from=day + dt.timedelta(days=400),
        valid_until=day + dt.timedelta(days=800),
        deadline=deadline,
        status=status,
    )
    call.municipalities.set([side.objects[("municipality", 1)], side.objects[("municipality", 2)]])
    call.reviewers.set([side.users["coordinator"]])
    return call


def _criterion(call: Call, side, index: int) -> Criterion:
    return Criterion.objects.create(
        call=call,
        name=f"Konzept {side.name}{index}",
        weight=Decimal("100"),
        description=f"Kriterium {side.name}{index}",
    )


def _bid(call: Call, side, index: int, day: dt.date) -> Bid:
    bid = Bid.objects.create(
        call=call,
        provider=side.objects[("provider", index)],
        received_on=min(call.deadline, day),
        proposed_fte=Decimal("1.50"),
        note=f"Angebot {side.name}{index}",
        recorded_by=side.users["coordinator"],
    )
    bid.municipalities.set([side.objects[("municipality", index)]])
    return bid


def build(side, day) -> None:
    """Add this area's records to the side (district ``side.district``)."""
    o = side.objects
    for index in (1, 2):
        draft = o[("draft_call", index)] = _call(
            side, index, CallStatus.DRAFT, deadline=day + dt.timedelta(days=30), day=day
        )
        o[("criterion", index)] = _criterion(draft, side, index)

        open_call = o[("open_call", index)] = _call(
            side, index, CallStatus.OPEN, deadline=day + dt.timedelta(days=30), day=day
        )
        _criterion(open_call, side, index)
        o[("open_bid", index)] = _bid(open_call, side, index, day)

        review = o[("call", index)] = _call(
            side, index, CallStatus.REVIEW, deadline=day - dt.timedelta(days=5), day=day
        )
        criterion = _criterion(review, side, index)
        bid = o[("bid", index)] = _bid(review, side, index, day)
        Score.objects.create(
            bid=bid,
            criterion=criterion,
            reviewer=side.users["coordinator"],
            value=7,
            comment=f"Bewertung {side.name}{index}",
        )
