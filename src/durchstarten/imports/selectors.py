"""Reads of the list import, narrowed by the scoping layer: participant lists are for the
district's coordinators and case managers, offer lists for its coordinators."""

from uuid import UUID

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from durchstarten.cases.models import Participant
from durchstarten.core.models import User
from durchstarten.core.scoping import access_for, scope_participants
from durchstarten.imports.models import ImportBatch, ImportKind, ImportRow, RowStatus
from durchstarten.imports.services import IMPORT_ROLES


def batch_list_for_user(user: User, *, district_id: int | None = None) -> QuerySet[ImportBatch]:
    access = access_for(user)
    condition = Q(pk__in=[])
    for kind, roles in IMPORT_ROLES.items():
        districts = [d for d, held in access.district_roles.items() if held & roles]
        condition |= Q(kind=kind, district__in=districts)
    batches = ImportBatch.objects.filter(condition).select_related("created_by")
    if district_id is not None:
        batches = batches.filter(district_id=district_id)
    return batches


def get_batch_for_user(user: User, public_id: UUID) -> ImportBatch:
    return get_object_or_404(
        batch_list_for_user(user).select_related("district"), public_id=public_id
    )


def error_rows(batch: ImportBatch) -> QuerySet[ImportRow]:
    return batch.rows.filter(status__in=[RowStatus.INVALID, RowStatus.REJECTED]).order_by("number")


def duplicate_rows(batch: ImportBatch) -> QuerySet[ImportRow]:
    return batch.rows.filter(status=RowStatus.VALID).exclude(duplicates=[]).order_by("number")


def candidates_for(user: User, rows) -> dict[str, Participant]:
    """The existing records named as candidates on the rows, as far as the user sees them."""
    ids = {c["participant"] for row in rows for c in row.duplicates if c["participant"]}
    found = scope_participants(Participant.objects.filter(public_id__in=ids), user)
    return {str(p.public_id): p for p in found}


def kinds_for(user: User, district_id: int) -> list[str]:
    held = access_for(user).roles_in(district_id)
    return [kind for kind in ImportKind.values if held & IMPORT_ROLES[kind]]
