"""The district-wide duplicate check and the "not the same person" decision."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from durchstarten.cases.duplicates import DuplicateIndex
from durchstarten.cases.models import DuplicateDismissal, DuplicateSuggestion, Participant
from durchstarten.cases.services._common import require_case_work
from durchstarten.core.audit import log_action
from durchstarten.core.models import User
from durchstarten.core.scoping import DISTRICT_WIDE_ROLES, require_role
from durchstarten.organisation.models import District

SAME_RECORD = _("Ein Datensatz ist immer dieselbe Person.")
OTHER_DISTRICT = _("Die Datensätze gehören zu verschiedenen Kreisen.")


@transaction.atomic
def duplicate_suggestions_refresh(*, actor: User, district: District) -> int:
    """Check every record of the district against every other and store the proposed pairs
    (replacing the previous result); pairs dismissed as different people stay out.

    Reads the district's names once into a DuplicateIndex: seconds for tens of thousands of
    records. Returns the number of pairs.
    """
    require_role(actor, district.pk, DISTRICT_WIDE_ROLES)
    # Serialises two checks of the same district: the second waits and writes after.
    District.objects.select_for_update().filter(pk=district.pk).first()
    index = DuplicateIndex.from_district(district)
    dismissed = set(
        DuplicateDismissal.objects.filter(district=district).values_list("first_id", "second_id")
    )
    now = timezone.now()
    suggestions = []
    for first, second, verdict in index.pairs():
        pks = sorted((index.participant_at(first).pk, index.participant_at(second).pk))
        if tuple(pks) in dismissed:
            continue
        suggestions.append(
            DuplicateSuggestion(
                district=district,
                first_id=pks[0],
                second_id=pks[1],
                score=verdict.score,
                reasons=[str(code) for code in verdict.codes],
                computed_at=now,
            )
        )
    DuplicateSuggestion.objects.filter(district=district).delete()
    DuplicateSuggestion.objects.bulk_create(suggestions, batch_size=1000)
    log_action(
        "cases.duplicates.checked",
        actor=actor,
        district_id=district.pk,
        data={"records": len(index), "pairs": len(suggestions)},
    )
    return len(suggestions)


@transaction.atomic
def duplicate_dismiss(*, actor: User, first: Participant, second: Participant) -> None:
    """Record that two records are different people: the pair is not proposed again."""
    if first.pk == second.pk:
        raise ValidationError(SAME_RECORD, code="same")
    if first.district_id != second.district_id:
        raise ValidationError(OTHER_DISTRICT, code="other_district")
    require_role(actor, first.district_id, DISTRICT_WIDE_ROLES)
    require_case_work(actor, first)
    require_case_work(actor, second)
    low, high = sorted((first, second), key=lambda participant: participant.pk)
    DuplicateDismissal.objects.get_or_create(
        first=low, second=high, defaults={"district_id": low.district_id, "dismissed_by": actor}
    )
    DuplicateSuggestion.objects.filter(first=low, second=high).delete()
    log_action(
        "cases.duplicates.dismissed",
        actor=actor,
        obj=low,
        data={"participants": [str(low.public_id), str(high.public_id)]},
    )
