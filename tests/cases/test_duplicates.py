"""Duplicate detection (durchstarten.cases.duplicates): scoring, the in-memory index, the
stored-key lookup, and property tests with generated spelling variants."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from durchstarten.cases import names
from durchstarten.cases.duplicates import (
    MIN_SCORE,
    DuplicateIndex,
    PersonKey,
    Reason,
    find_duplicates,
    is_placeholder,
    match,
)
from durchstarten.cases.models import Participant, ParticipantNameKey
from durchstarten.cases.services import participants as participant_services

# Spellings of one name each, as they reach German offices (German, English, French, Turkish).
GIVEN_GROUPS = [
    ["Mohammed", "Muhammad", "Mohamed", "Mouhamad", "Mohamad"],
    ["Ahmad", "Ahmed", "Achmed"],
    ["Yusuf", "Youssef", "Jusuf", "Yousef"],
    ["Hussein", "Husain", "Hossein"],
    ["Abdulrahman", "Abd al-Rahman", "Abdel Rahman", "Abdurrahman"],
    ["Tesfay", "Tesfaye", "Tesfai"],
    ["Habtemariam", "Habte Mariam", "Habtemaryam"],
    ["Shirin", "Schirin", "Chirine"],
    ["Ghulam", "Gholam"],
    ["Zainab", "Zeinab", "Sainab"],
    ["Khaled", "Khalid", "Chaled"],
    ["Mustafa", "Moustafa", "Mostafa"],
    ["Jamal", "Djamal", "Dschamal"],
    ["Fatima", "Fatma", "Fatemeh"],
]
FAMILY_GROUPS = [
    ["Rasuli", "Rasouli"],
    ["Haidari", "Heydari", "Haydari"],
    ["Osman", "Othman", "Usman"],
    ["Kebede", "Kebbede"],
    ["Nourzai", "Nurzai"],
    ["Warsame", "Warsami"],
    ["Barzani", "Barsani"],
    ["Ghebremedhin", "Gebremedhin"],
    ["Schahin", "Shahin", "Chahine"],
    ["Jafari", "Dschafari", "Djafari"],
]
# Rewrites that offices apply when they write down a name they heard (on lower case text).
RULES = [
    ("ou", "u"),
    ("u", "ou"),
    ("sch", "sh"),
    ("sh", "sch"),
    ("o", "u"),
    ("i", "e"),
    ("a", "e"),
    ("ss", "s"),
    ("mm", "m"),
    ("z", "s"),
    ("dj", "j"),
    ("ph", "f"),
]


def _spell(name: str, rules: list[tuple[int, int]]) -> str:
    """Apply transliteration rules at chosen occurrences (the first letter is left alone:
    offices agree on how a name starts far more than on its vowels)."""
    text = name.lower()
    for rule, occurrence in rules:
        old, new = RULES[rule % len(RULES)]
        # "dsch"/"tsch" are one sound each: rewriting their "sch" makes no real spelling.
        positions = [
            i
            for i in range(1, len(text))
            if text.startswith(old, i) and not (old == "sch" and text[i - 1] in "dt")
        ]
        if positions:
            at = positions[occurrence % len(positions)]
            text = text[:at] + new + text[at + len(old) :]
    return text.title()


real_dates = st.dates(dt.date(1996, 1, 1), dt.date(2008, 12, 31)).filter(
    lambda day: not is_placeholder(day)
)
rules = st.lists(st.tuples(st.integers(0, 50), st.integers(0, 5)), max_size=3)


@st.composite
def people_and_variants(draw):
    """A person, and the same person as another office recorded them."""
    given_group = draw(st.sampled_from(range(len(GIVEN_GROUPS))))
    family_group = draw(st.sampled_from(range(len(FAMILY_GROUPS))))
    born = draw(real_dates)
    original = PersonKey(
        given_names=draw(st.sampled_from(GIVEN_GROUPS[given_group])),
        family_name=draw(st.sampled_from(FAMILY_GROUPS[family_group])),
        date_of_birth=born,
    )
    given = _spell(draw(st.sampled_from(GIVEN_GROUPS[given_group])), draw(rules))
    family = _spell(draw(st.sampled_from(FAMILY_GROUPS[family_group])), draw(rules))
    if draw(st.booleans()):
        given, family = family, given
    recorded = draw(st.sampled_from(["same", "placeholder", "missing"]))
    variant_born = {
        "same": born,
        "placeholder": dt.date(born.year, 1, 1),
        "missing": None,
    }[recorded]
    variant = PersonKey(given_names=given, family_name=family, date_of_birth=variant_born, row=2)
    return original, variant, (given_group, family_group)


def _others(groups, born_year):
    """People with other names, some born the same year."""
    given_group, family_group = groups
    others = []
    for index, spellings in enumerate(GIVEN_GROUPS):
        if index == given_group:
            continue
        family = FAMILY_GROUPS[(index * 3) % len(FAMILY_GROUPS)]
        if (index * 3) % len(FAMILY_GROUPS) == family_group:
            family = FAMILY_GROUPS[(index * 3 + 1) % len(FAMILY_GROUPS)]
        day = dt.date(born_year - index % 2, 3 + index % 9, 5 + index)
        others.append(PersonKey(spellings[0], family[0], day, row=10 + index))
    return others


# --- scoring ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "reasons"),
    [
        (
            ("Mohammed", "Rasuli", dt.date(2001, 5, 3)),
            ("Muhammad", "Rasouli", dt.date(2001, 1, 1)),
            [Reason.NAME_VARIANT, Reason.BIRTH_PLACEHOLDER],
        ),
        (
            ("Yusuf", "Haidari", dt.date(2001, 5, 3)),
            ("Haydari", "Youssef", dt.date(2001, 5, 3)),
            [Reason.NAME_SWAPPED, Reason.BIRTH_SAME],
        ),
        (
            ("Abd al-Rahman", "Osman", None),
            ("Abdulrahman", "Othman", dt.date(2000, 2, 2)),
            [Reason.NAME_VARIANT, Reason.BIRTH_MISSING],
        ),
        (
            ("Mohammed Ali", "Hassan", dt.date(2000, 2, 2)),
            ("Mohammed", "Ali Hassan", dt.date(2000, 2, 2)),
            [Reason.NAME_REDISTRIBUTED, Reason.BIRTH_SAME],
        ),
        (
            ("Habtom", "Tesfay", dt.date(2000, 2, 2)),
            ("Habtemariam", "Tesfaye", dt.date(2000, 2, 2)),
            [Reason.NAME_PARTIAL, Reason.BIRTH_SAME],
        ),
        (
            ("Shirin", "Ahmadi", dt.date(1999, 1, 1)),
            ("Schirin", "Achmadi", dt.date(1999, 1, 1)),
            [Reason.NAME_VARIANT, Reason.BIRTH_PLACEHOLDER],
        ),
    ],
)
def test_it_explains_why_two_records_may_be_one_person(a, b, reasons):
    verdict = match(PersonKey(*a), PersonKey(*b))
    assert verdict is not None
    assert list(verdict.codes) == reasons
    assert MIN_SCORE <= verdict.score <= 1


def test_it_words_the_reasons_in_german():
    verdict = match(
        PersonKey("Ghulam", "Rasuli", dt.date(2002, 1, 1)),
        PersonKey("Gholam", "Rasouli", dt.date(2002, 7, 14)),
    )
    assert verdict.reasons == [
        "gleicher Name in anderer Schreibweise (Umschrift)",
        "gleiches Geburtsjahr, Geburtsdatum 01.01. (Platzhalter)",
    ]


def test_it_ranks_an_equal_real_birth_date_above_a_placeholder():
    person = PersonKey("Zainab", "Warsame", dt.date(2003, 6, 9))
    same = match(person, PersonKey("Zeinab", "Warsame", dt.date(2003, 6, 9)))
    placeholder = match(person, PersonKey("Zeinab", "Warsame", dt.date(2003, 1, 1)))
    missing = match(person, PersonKey("Zeinab", "Warsame", None))
    assert same.score > placeholder.score > missing.score


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # Siblings and twins: the family name alone does not make one person.
        (("Ahmad", "Rasuli", dt.date(2000, 2, 2)), ("Omar", "Rasuli", dt.date(2000, 2, 2))),
        # Same name, two real birth dates.
        (("Ahmad", "Rasuli", dt.date(2000, 2, 2)), ("Ahmad", "Rasuli", dt.date(2000, 3, 2))),
        # A placeholder in another year.
        (("Ahmad", "Rasuli", dt.date(2000, 1, 1)), ("Ahmad", "Rasuli", dt.date(2001, 3, 2))),
        # Names the keys keep apart.
        (("Hassan", "Osman", None), ("Hussein", "Osman", None)),
    ],
)
def test_it_does_not_propose_different_people(a, b):
    assert match(PersonKey(*a), PersonKey(*b)) is None


def test_it_lowers_the_score_for_different_gender_and_nationality():
    born = dt.date(2001, 5, 3)
    plain = match(PersonKey("Noor", "Haidari", born), PersonKey("Nour", "Haidari", born))
    differing = match(
        PersonKey("Noor", "Haidari", born, gender="female", nationality="AF"),
        PersonKey("Nour", "Haidari", born, gender="male", nationality="IR"),
    )
    assert differing.score < plain.score
    assert Reason.GENDER_DIFFERS in differing.codes
    assert Reason.NATIONALITY_DIFFERS in differing.codes


# --- property tests --------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(people_and_variants())
def test_it_finds_generated_spelling_variants_as_the_top_candidate(case):
    original, variant, groups = case
    original = PersonKey(**{**original.__dict__, "row": 1})
    index = DuplicateIndex([original, *_others(groups, original.date_of_birth.year)])
    found = index.find(variant)
    assert found, (original, variant)
    assert found[0].row == 1, (original, variant, found)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(GIVEN_GROUPS),
    st.sampled_from(FAMILY_GROUPS),
    real_dates,
    real_dates,
    rules,
)
def test_it_never_proposes_namesakes_with_different_real_birth_dates(
    given_names, family, first_born, second_born, spelling
):
    if first_born == second_born:
        return
    a = PersonKey(given_names[0], family[0], first_born, row=1)
    b = PersonKey(_spell(given_names[-1], spelling), family[-1], second_born, row=2)
    assert match(a, b) is None
    assert DuplicateIndex([a]).find(b) == []


def _store(district, person):
    """A record with its name keys, written directly: the property test writes hundreds."""
    participant = Participant.objects.create(
        district=district,
        given_names=person.given_names,
        family_name=person.family_name,
        date_of_birth=person.date_of_birth,
    )
    ParticipantNameKey.objects.bulk_create(
        ParticipantNameKey(participant=participant, key=key)
        for key in names.name_keys(participant.full_name)
    )
    return participant


@pytest.mark.django_db
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(people_and_variants(), real_dates)
def test_it_finds_variants_among_stored_records_but_not_namesakes(district, case, namesake_born):
    original, variant, groups = case
    with transaction.atomic():
        stored = _store(district, original)
        for other in _others(groups, original.date_of_birth.year):
            _store(district, other)
        found = find_duplicates(variant, district=district)
        assert found and found[0].participant == stored, (original, variant, found)
        if namesake_born != original.date_of_birth:
            namesake = PersonKey(original.given_names, original.family_name, namesake_born)
            assert stored not in [
                c.participant for c in find_duplicates(namesake, district=district)
            ]
        transaction.set_rollback(True)


# --- lookups ---------------------------------------------------------------------------------


def _create(actor, district, given, family, born=None):
    return participant_services.participant_create(
        actor=actor, district=district, given_names=given, family_name=family, date_of_birth=born
    )


def test_it_looks_up_stored_records_of_the_district_only(case_manager, district, outsider):
    ours = _create(case_manager, district, "Mohamed", "Rasouli", dt.date(2001, 5, 3))
    _create(
        outsider, outsider.memberships.get().district, "Mohamed", "Rasouli", dt.date(2001, 5, 3)
    )
    found = find_duplicates(PersonKey("Muhammad", "Rasuli", dt.date(2001, 1, 1)), district=district)
    assert [c.participant for c in found] == [ours]
    assert found[0].row is None


def test_it_looks_up_in_one_query_and_skips_the_record_itself(case_manager, district):
    ours = _create(case_manager, district, "Yusuf", "Haidari", dt.date(2001, 5, 3))
    other = _create(case_manager, district, "Youssef", "Heydari", None)
    with CaptureQueriesContext(connection) as queries:
        found = find_duplicates(PersonKey.of(ours), district=district, exclude=ours)
    assert len(queries) == 1
    assert [c.participant for c in found] == [other]


def test_it_ranks_stored_records_and_rows_of_the_file_together(case_manager, district):
    stored = _create(case_manager, district, "Tesfay", "Kebede", dt.date(2000, 1, 1))
    rows = [
        PersonKey("Tesfaye", "Kebede", dt.date(2000, 8, 8), row=3),
        PersonKey("Habtemariam", "Kebede", dt.date(2000, 8, 8), row=4),
        PersonKey("Tesfai", "Kebbede", dt.date(2000, 8, 8), row=5),
    ]
    index = DuplicateIndex(rows)
    found = find_duplicates(rows[0], district=district, candidates_in_file=index)
    assert [(c.participant, c.row) for c in found] == [(None, 5), (stored, None)]
    assert found[0].score > found[1].score
    assert find_duplicates(rows[0], district=district, candidates_in_file=rows) == found


def test_it_limits_the_candidates(case_manager, district):
    for _ in range(4):
        _create(case_manager, district, "Ahmad", "Jafari", dt.date(1999, 1, 1))
    found = find_duplicates(
        PersonKey("Ahmed", "Djafari", dt.date(1999, 4, 4)), district=district, limit=2
    )
    assert len(found) == 2


def test_it_indexes_a_district_for_checking_many_rows(case_manager, district, outsider):
    stored = _create(case_manager, district, "Fatima", "Barzani", dt.date(2004, 2, 2))
    _create(case_manager, district, "Jamal", "Osman", dt.date(2004, 2, 2))
    elsewhere = outsider.memberships.get().district
    _create(outsider, elsewhere, "Fatma", "Barsani", dt.date(2004, 2, 2))
    index = DuplicateIndex.from_district(district)
    assert len(index) == 2
    found = index.find(PersonKey("Fatemeh", "Barsani", dt.date(2004, 1, 1), row=7))
    assert [c.participant for c in found] == [stored]
    assert list(index.find(PersonKey.of(stored), exclude=stored)) == []


def test_it_lists_each_pair_of_an_index_once():
    index = DuplicateIndex(
        [
            PersonKey("Mustafa", "Nurzai", dt.date(2002, 3, 3), row=1),
            PersonKey("Moustafa", "Nourzai", dt.date(2002, 1, 1), row=2),
            PersonKey("Mostafa", "Nurzai", None, row=3),
            PersonKey("Khaled", "Nurzai", dt.date(2002, 3, 3), row=4),
        ]
    )
    assert sorted((a, b) for a, b, _ in index.pairs()) == [(0, 1), (0, 2), (1, 2)]
