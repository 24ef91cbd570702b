"""Finding the same person twice: among a district's records and within an import file.

A pair is judged on names and date of birth:

- Names: every word of one name must meet a word of the other in the key space of
  cases.names (transliteration-tolerant consonant skeletons: Mohammed/Muhammad/Mouhamad,
  Schirin/Chirine, Zainab/Seinab). A word may also be the start of the other (Habtom /
  Habtemariam), or two words written apart may be one written together (Abd al-Rahman /
  Abdulrahman), with less weight. Given and family names are compared as recorded, swapped,
  and as one pool of words (names distributed differently over the two fields).
- Date of birth: papers record an unknown day and month as 01.01. of the year ("00.00.YYYY"
  or only the year in lists: importers store them as 01.01.YYYY too), so 01.01.YYYY matches
  every date of that year, with less weight than an equal real date. Two different real dates,
  or different years, mean two people however alike the names: no candidate.
- Different gender or nationality (both recorded) lower the score.

``find_duplicates`` looks one person up: the candidates come from the stored
``ParticipantNameKey`` rows in one SQL query (key equality, narrowed to the birth year), and
only those are scored in Python. For many persons at once build a ``DuplicateIndex`` once:
of the rows of a file (duplicates within the file), or ``DuplicateIndex.from_district`` (all
of a district's records, for a whole file or the district-wide check).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from django.db.models import Case, F, IntegerField, Max, Q, Value, When
from django.utils.translation import gettext_lazy as _

from durchstarten.cases import names
from durchstarten.cases.choices import Gender
from durchstarten.cases.models import Participant, ParticipantNameKey
from durchstarten.organisation.models import District
from durchstarten.privacy.guards import listed_q

MIN_SCORE = 0.6
"""Pairs scoring below this are not proposed."""
MIN_NAME_SIMILARITY = 0.6
"""Below this the names differ too much, whatever the date of birth (twins, siblings)."""
STORED_CANDIDATES = 300
"""At most this many records per lookup are scored, those sharing the most name words first."""

MATCHED_FIELDS = (
    "public_id",
    "district_id",
    "given_names",
    "family_name",
    "date_of_birth",
    "gender",
    "nationality",
    "version",
)
"""What candidates are loaded with (other fields load on first access)."""

_NAME_WEIGHT, _BIRTH_WEIGHT = 0.55, 0.45
_PREFIX_HIT = 0.7  # a word that is the start of the other (short and long form)
_MIN_PREFIX_KEY = 4  # shorter keys ("al", "ali") start too many names
_VARIANT = 0.97  # equal in key space, but spelled differently
_SWAPPED = 0.97
_REDISTRIBUTED = 0.9
_CLEARLY_BETTER = 0.05
_MIN_SPLIT_WORD, _MIN_SPLIT_PART = 8, 3
_PARTIAL_NAME = 0.9  # below this the names match only in part
_GENDER_PENALTY = 0.2
_NATIONALITY_PENALTY = 0.1
_BIRTH_SAME = 1.0
_BIRTH_BOTH_PLACEHOLDER = 0.75
_BIRTH_PLACEHOLDER = 0.6
_BIRTH_MISSING = 0.35
_BINARY_GENDERS = frozenset({Gender.FEMALE, Gender.MALE})


class Reason(StrEnum):
    """Why a pair was proposed; stored as codes, shown with ``REASON_LABELS``."""

    NAME_SAME = "name_same"
    NAME_VARIANT = "name_variant"
    NAME_PARTIAL = "name_partial"
    NAME_SWAPPED = "name_swapped"
    NAME_REDISTRIBUTED = "name_redistributed"
    BIRTH_SAME = "birth_same"
    BIRTH_PLACEHOLDER = "birth_placeholder"
    BIRTH_MISSING = "birth_missing"
    GENDER_DIFFERS = "gender_differs"
    NATIONALITY_DIFFERS = "nationality_differs"


REASON_LABELS = {
    Reason.NAME_SAME: _("gleicher Name"),
    Reason.NAME_VARIANT: _("gleicher Name in anderer Schreibweise (Umschrift)"),
    Reason.NAME_PARTIAL: _("Name teilweise gleich"),
    Reason.NAME_SWAPPED: _("Vor- und Familienname vertauscht"),
    Reason.NAME_REDISTRIBUTED: _("Namensteile anders auf Vor- und Familienname verteilt"),
    Reason.BIRTH_SAME: _("gleiches Geburtsdatum"),
    Reason.BIRTH_PLACEHOLDER: _("gleiches Geburtsjahr, Geburtsdatum 01.01. (Platzhalter)"),
    Reason.BIRTH_MISSING: _("Geburtsdatum fehlt"),
    Reason.GENDER_DIFFERS: _("unterschiedliches Geschlecht"),
    Reason.NATIONALITY_DIFFERS: _("unterschiedliche Staatsangehörigkeit"),
}


def reason_labels(codes: Iterable[str]) -> list[str]:
    """The German (or active language's) sentences of stored reason codes."""
    return [str(REASON_LABELS[Reason(code)]) for code in codes if code in Reason]


@dataclass(frozen=True)
class PersonKey:
    """What the matcher compares: a record, or a row of a file (with its row number)."""

    given_names: str
    family_name: str
    date_of_birth: dt.date | None
    gender: str = ""  # a cases.choices.Gender value, may be empty
    nationality: str = ""  # ISO 3166 code, may be empty
    row: int | None = None  # row number when the person comes from a file

    @classmethod
    def of(cls, participant: Participant) -> PersonKey:
        return cls(
            given_names=participant.given_names,
            family_name=participant.family_name,
            date_of_birth=participant.date_of_birth,
            gender=participant.gender,
            nationality=str(participant.nationality or ""),
        )


@dataclass(frozen=True)
class DuplicateCandidate:
    participant: Participant | None  # an existing record, or None
    row: int | None  # or a row of the same file
    score: float  # 0..1, ranked descending
    reasons: list[str]  # German sentences


@dataclass(frozen=True)
class Match:
    """The verdict on one pair: score and reason codes (see ``Reason``)."""

    score: float
    codes: tuple[Reason, ...]

    @property
    def reasons(self) -> list[str]:
        return reason_labels(self.codes)


# --- comparing two persons -------------------------------------------------------------------


def is_placeholder(day: dt.date | None) -> bool:
    """01.01.YYYY: how papers and lists record a birth date known only by its year."""
    return day is not None and day.month == 1 and day.day == 1


@dataclass(frozen=True)
class _Name:
    given: tuple[str, ...]
    family: tuple[str, ...]
    given_keys: frozenset[str]
    family_keys: frozenset[str]
    folded: tuple[str, str]

    @property
    def words(self) -> tuple[str, ...]:
        return self.given + self.family

    @property
    def keys(self) -> frozenset[str]:
        return self.given_keys | self.family_keys


@lru_cache(maxsize=1 << 15)
def _name(given_names: str, family_name: str) -> _Name:
    return _Name(
        given=tuple(names.name_words(given_names)),
        family=tuple(names.name_words(family_name)),
        given_keys=frozenset(names.name_keys(given_names)),
        family_keys=frozenset(names.name_keys(family_name)),
        folded=(names.normalize(given_names), names.normalize(family_name)),
    )


def _word_hit(keys: frozenset[str], target: frozenset[str]) -> float:
    if keys & target:
        return 1.0
    for key in keys:
        if len(key) < _MIN_PREFIX_KEY:
            continue
        for other in target:
            if len(other) >= _MIN_PREFIX_KEY and (other.startswith(key) or key.startswith(other)):
                return _PREFIX_HIT
    return 0.0


@lru_cache(maxsize=1 << 14)
def _splits(word: str) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
    """Keys of the two halves of a long word cut anywhere, for one name written together
    that the other writes apart (Habtemariam / Habte Mariam, Ghebremedhin / Ghebre Medhin)."""
    if len(word) < _MIN_SPLIT_WORD:
        return ()
    return tuple(
        (names.word_keys(word[:cut]), names.word_keys(word[cut:]))
        for cut in range(_MIN_SPLIT_PART, len(word) - _MIN_SPLIT_PART + 1)
    )


def _coverage(words: tuple[str, ...], target: frozenset[str]) -> float:
    """Share of ``words`` found among ``target`` keys; two words found as one written
    together (Abdel Rahman in Abdulrahman) count as two, one word found as two written apart
    counts as one."""
    found, index = 0.0, 0
    while index < len(words):
        hit = _word_hit(names.word_keys(words[index]), target)
        if hit < 1.0 and any(a & target and b & target for a, b in _splits(words[index])):
            hit = 1.0
        glued = index + 1 < len(words) and words[index] + words[index + 1]
        if hit < 1.0 and glued and names.word_keys(glued) & target:
            found, index = found + 2, index + 2
            continue
        found, index = found + hit, index + 1
    return found / len(words)


def _part(a_words, a_keys, b_words, b_keys) -> float | None:
    if not a_words or not b_words:
        return None
    return (_coverage(a_words, b_keys) + _coverage(b_words, a_keys)) / 2


def _both_parts(first: float | None, second: float | None) -> float:
    """Both name parts must match: a family name alone is a sibling, not the same person."""
    parts = [part for part in (first, second) if part is not None]
    if not parts:
        return 0.0
    if len(parts) == 1:
        return parts[0] * _PARTIAL_NAME
    return (min(parts) + sum(parts) / 2) / 2


def name_similarity(a: PersonKey, b: PersonKey) -> tuple[float, Reason]:
    """How alike two names are (0..1) and which reading made them alike."""
    na, nb = _name(a.given_names, a.family_name), _name(b.given_names, b.family_name)
    if na.folded == nb.folded:
        return 1.0, Reason.NAME_SAME
    straight = _both_parts(
        _part(na.given, na.given_keys, nb.given, nb.given_keys),
        _part(na.family, na.family_keys, nb.family, nb.family_keys),
    )
    options = [(straight * _VARIANT, Reason.NAME_VARIANT)]
    if na.folded == nb.folded[::-1]:
        options.append((_SWAPPED, Reason.NAME_SWAPPED))
    elif straight < 1.0:
        swapped = _both_parts(
            _part(na.given, na.given_keys, nb.family, nb.family_keys),
            _part(na.family, na.family_keys, nb.given, nb.given_keys),
        )
        options.append((swapped * _SWAPPED, Reason.NAME_SWAPPED))
        pooled = _part(na.words, na.keys, nb.words, nb.keys) or 0.0
        options.append((pooled * _REDISTRIBUTED, Reason.NAME_REDISTRIBUTED))
    # Another reading only when it explains clearly more than the names as recorded.
    score, reason = options[0]
    for option in options[1:]:
        if option[0] > score + _CLEARLY_BETTER:
            score, reason = option
    if score < _PARTIAL_NAME * _VARIANT and reason == Reason.NAME_VARIANT:
        reason = Reason.NAME_PARTIAL
    return score, reason


def _birth(a: dt.date | None, b: dt.date | None) -> tuple[float, Reason] | None:
    """Weight and reason of the dates of birth; None when they tell two people apart."""
    if a is None or b is None:
        return _BIRTH_MISSING, Reason.BIRTH_MISSING
    if a.year != b.year:
        return None
    if a == b and not is_placeholder(a):
        return _BIRTH_SAME, Reason.BIRTH_SAME
    if a == b:
        return _BIRTH_BOTH_PLACEHOLDER, Reason.BIRTH_PLACEHOLDER
    if is_placeholder(a) or is_placeholder(b):
        return _BIRTH_PLACEHOLDER, Reason.BIRTH_PLACEHOLDER
    return None


def match(a: PersonKey, b: PersonKey) -> Match | None:
    """The verdict on a pair, or None when it is not worth proposing."""
    birth = _birth(a.date_of_birth, b.date_of_birth)
    if birth is None:
        return None
    similarity, name_reason = name_similarity(a, b)
    if similarity < MIN_NAME_SIMILARITY:
        return None
    codes = [name_reason, birth[1]]
    score = _NAME_WEIGHT * similarity + _BIRTH_WEIGHT * birth[0]
    if a.gender in _BINARY_GENDERS and b.gender in _BINARY_GENDERS and a.gender != b.gender:
        score -= _GENDER_PENALTY
        codes.append(Reason.GENDER_DIFFERS)
    if a.nationality and b.nationality and a.nationality != b.nationality:
        score -= _NATIONALITY_PENALTY
        codes.append(Reason.NATIONALITY_DIFFERS)
    if score < MIN_SCORE:
        return None
    return Match(round(min(score, 1.0), 3), tuple(codes))


# --- candidates ------------------------------------------------------------------------------


def _word_key_sets(person: PersonKey) -> list[frozenset[str]]:
    """Per word of the name, the keys that find it: its own, those of it written together with
    a neighbour and those of its halves (Habte Mariam and Habtemariam find each other)."""
    words = _name(person.given_names, person.family_name).words
    glued = [names.word_keys(a + b) for a, b in zip(words, words[1:], strict=False)]
    return [
        names.word_keys(word).union(
            *glued[max(index - 1, 0) : index + 1],
            *(half for pair in _splits(word) for half in pair),
        )
        for index, word in enumerate(words)
    ]


def _words_needed(person: PersonKey, word_count: int) -> int:
    # With a date of birth the candidates are narrowed to its year already: one shared name
    # word is enough to look closer. Without one, two words must be shared (one for a
    # single-word name).
    return 1 if person.date_of_birth is not None else min(2, word_count)


def _ranked(candidates: list[DuplicateCandidate], limit: int) -> list[DuplicateCandidate]:
    candidates.sort(
        key=lambda c: (
            -c.score,
            c.participant is None,
            c.participant.pk if c.participant else 0,
            c.row or 0,
        )
    )
    return candidates[:limit]


class DuplicateIndex:
    """Persons held in memory, indexed by name key and birth year, to match many at once.

    Build it once per file (``DuplicateIndex(rows)``, rows as ``PersonKey`` with ``row``
    set) and call ``find`` for each row: the row itself is skipped, every other row is a
    candidate (keep those with a lower row number for "already in this file"). Or build it
    of a district's records (``from_district``) to check a large file against them without
    a query per row. Lookups cost the rows sharing a name key in the same birth year (or
    without a date), never a scan of all rows.
    """

    def __init__(self, persons: Iterable[PersonKey] = ()) -> None:
        self._persons: list[PersonKey] = []
        self._participants: list[Participant | None] = []
        # key -> birth year (None: unknown) -> positions
        self._postings: dict[str, dict[int | None, list[int]]] = {}
        for person in persons:
            self.add(person)

    def __len__(self) -> int:
        return len(self._persons)

    @classmethod
    def from_district(cls, district: District) -> DuplicateIndex:
        """The district's records that lists may show (not restricted or anonymised); the
        caller has checked that the user may see them."""
        index = cls()
        records = (
            Participant.objects.filter(listed_q(), district=district)
            .only(*MATCHED_FIELDS)
            .order_by("pk")
        )
        for participant in records.iterator(chunk_size=2000):
            index.add(PersonKey.of(participant), participant=participant)
        return index

    def add(self, person: PersonKey, *, participant: Participant | None = None) -> None:
        position = len(self._persons)
        self._persons.append(person)
        self._participants.append(participant)
        year = person.date_of_birth.year if person.date_of_birth else None
        name = _name(person.given_names, person.family_name)
        for key in name.keys:
            self._postings.setdefault(key, {}).setdefault(year, []).append(position)

    def _positions(self, person: PersonKey) -> Iterator[int]:
        """Positions sharing enough name words with the person (in the birth year or without
        a date)."""
        word_sets = _word_key_sets(person)
        year = person.date_of_birth.year if person.date_of_birth else None
        hits: Counter[int] = Counter()
        for keys in word_sets:
            found: set[int] = set()
            for key in keys:
                by_year = self._postings.get(key)
                if not by_year:
                    continue
                if year is None:
                    for positions in by_year.values():
                        found.update(positions)
                else:
                    found.update(by_year.get(year, ()))
                    found.update(by_year.get(None, ()))
            hits.update(found)
        needed = _words_needed(person, len(word_sets))
        return (position for position, count in hits.items() if count >= needed)

    def _is_self(self, person: PersonKey, position: int, exclude: Participant | None) -> bool:
        other = self._participants[position]
        if exclude is not None and other is not None:
            return other.pk == exclude.pk
        return person.row is not None and self._persons[position].row == person.row

    def find(
        self, person: PersonKey, *, limit: int = 5, exclude: Participant | None = None
    ) -> list[DuplicateCandidate]:
        """The best candidates for the person, best first (``exclude``: its own record)."""
        found = []
        for position in self._positions(person):
            if self._is_self(person, position, exclude):
                continue
            verdict = match(person, self._persons[position])
            if verdict is not None:
                found.append(
                    DuplicateCandidate(
                        participant=self._participants[position],
                        row=self._persons[position].row,
                        score=verdict.score,
                        reasons=verdict.reasons,
                    )
                )
        return _ranked(found, limit)

    def pairs(self) -> Iterator[tuple[int, int, Match]]:
        """Every proposed pair once, as positions (in the order added) and the verdict."""
        seen: set[tuple[int, int]] = set()
        for position, person in enumerate(self._persons):
            for other in self._positions(person):
                pair = (min(position, other), max(position, other))
                if other == position or pair in seen:
                    continue
                seen.add(pair)
                verdict = match(person, self._persons[other])
                if verdict is not None:
                    yield pair[0], pair[1], verdict

    def participant_at(self, position: int) -> Participant | None:
        return self._participants[position]


def _stored_candidates(person: PersonKey, district: District) -> list[Participant]:
    """Records of the district sharing name keys with the person, in one query."""
    word_sets = _word_key_sets(person)
    all_keys = frozenset().union(*word_sets)
    if not all_keys:
        return []
    rows = ParticipantNameKey.objects.filter(
        listed_q("participant__"), key__in=all_keys, participant__district=district
    )
    if (born := person.date_of_birth) is not None:
        rows = rows.filter(
            Q(participant__date_of_birth__isnull=True)
            | Q(
                participant__date_of_birth__range=(
                    dt.date(born.year, 1, 1),
                    dt.date(born.year, 12, 31),
                )
            )
        )
    per_word = {
        f"w{number}": Max(
            Case(When(key__in=keys, then=Value(1)), default=Value(0), output_field=IntegerField())
        )
        for number, keys in enumerate(word_sets)
    }
    hits = sum((F(name) for name in per_word), Value(0))
    ids = (
        rows.values("participant_id")
        .annotate(**per_word)
        .annotate(hits=hits)
        .filter(hits__gte=_words_needed(person, len(word_sets)))
        .order_by("-hits", "participant_id")
        .values("participant_id")[:STORED_CANDIDATES]
    )
    return list(Participant.objects.filter(pk__in=ids).only(*MATCHED_FIELDS))


def find_duplicates(
    person: PersonKey,
    *,
    district: District,
    candidates_in_file: Sequence[PersonKey] | DuplicateIndex = (),
    limit: int = 5,
    exclude: Participant | None = None,
) -> list[DuplicateCandidate]:
    """Ranked candidates for one person among the district's records and the file's rows.

    The caller decides who may see the result (the district's staff). ``candidates_in_file``
    is best a ``DuplicateIndex`` built once per file; a plain sequence is indexed on each
    call. ``exclude`` is the person's own record when it is already stored.
    """
    found = []
    for participant in _stored_candidates(person, district):
        if exclude is not None and participant.pk == exclude.pk:
            continue
        verdict = match(person, PersonKey.of(participant))
        if verdict is not None:
            found.append(DuplicateCandidate(participant, None, verdict.score, verdict.reasons))
    if not isinstance(candidates_in_file, DuplicateIndex):
        candidates_in_file = DuplicateIndex(candidates_in_file)
    found.extend(candidates_in_file.find(person, limit=limit))
    return _ranked(found, limit)
