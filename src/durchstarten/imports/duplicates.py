"""Suspected duplicates of the participants in a file, found by the cases app's matcher
(`durchstarten.cases.duplicates`): against the district's records and within the file."""

from __future__ import annotations

from collections.abc import Sequence

from durchstarten.cases.duplicates import DuplicateIndex, PersonKey
from durchstarten.organisation.models import District


def person_key(number: int, values: dict) -> PersonKey:
    nationality = values.get("nationality") or ""
    return PersonKey(
        given_names=values.get("given_names") or "",
        family_name=values.get("family_name") or "",
        date_of_birth=values.get("date_of_birth"),
        gender=values.get("gender") or "",
        nationality=str(nationality),
        row=number,
    )


def suspected(district: District, people: Sequence[PersonKey]) -> dict[int, list[dict]]:
    """Row number -> ranked candidates as stored on the row (public ids, row numbers, score,
    German reasons). A row is compared with the rows above it only, so that of two rows of
    the same person the later one is the suspect and the earlier one is imported."""
    found: dict[int, list[dict]] = {}
    if not people:
        return found
    # One index of the district's records (loaded once, not looked up per row) and the
    # file's rows: each row is looked up once in both.
    index = DuplicateIndex.from_district(district)
    for person in people:
        index.add(person)
    for person in people:
        candidates = [c for c in index.find(person) if c.row is None or c.row < person.row]
        if candidates:
            found[person.row] = [
                {
                    "participant": str(c.participant.public_id) if c.participant else None,
                    "row": c.row,
                    "score": round(float(c.score), 3),
                    "reasons": [str(reason) for reason in c.reasons],
                }
                for c in candidates
            ]
    return found
