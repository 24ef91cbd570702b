import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from durchstarten.cases.choices import ResidenceStatusKind
from durchstarten.cases.models import Participant, ParticipantNameKey
from durchstarten.cases.services import participants as services
from durchstarten.core.models import AuditEntry, Role
from tests.factories import MunicipalityFactory, member


def test_it_creates_a_minimal_record_at_first_contact(case_manager, district):
    participant = services.participant_contact_first(
        actor=case_manager,
        district=district,
        given_names="Tesfay",
        family_name="",
        channel="foreigners_authority",
        date=dt.date(2026, 3, 1),
        result="reached",
    )
    assert participant.is_minimal
    assert participant.outreaches.get().result == "reached"


def test_it_stores_name_keys_and_renews_them_on_rename(participant):
    assert ParticipantNameKey.objects.filter(participant=participant).exists()
    before = set(participant.name_keys.values_list("key", flat=True))
    services.participant_update(
        actor=participant.case_manager or member(Role.COORDINATOR, participant.district),
        participant=participant,
        version=participant.version,
        given_names="Tesfay",
    )
    after = set(participant.name_keys.values_list("key", flat=True))
    assert before != after


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"date_of_birth": dt.date(2099, 1, 1)}, "date_of_birth", "nicht in der Zukunft"),
        ({"given_names": "", "family_name": ""}, "given_names", "mindestens einen Namen"),
        ({"languages": ["xx"]}, "languages", "Unbekannte Sprache"),
        ({"email": "keine-adresse"}, "email", "E-Mail"),
    ],
)
def test_it_explains_invalid_input_in_german(case_manager, district, fields, field, message):
    data = {"given_names": "Amina", "family_name": "Yusuf", **fields}
    with pytest.raises(ValidationError) as excinfo:
        services.participant_create(actor=case_manager, district=district, **data)
    assert message in " ".join(excinfo.value.message_dict[field])
    assert not Participant.objects.exists()


def test_it_refuses_a_municipality_of_another_district(case_manager, district, other_district):
    with pytest.raises(ValidationError) as excinfo:
        services.participant_create(
            actor=case_manager,
            district=district,
            given_names="Amina",
            municipality=MunicipalityFactory(district=other_district),
        )
    assert excinfo.value.message_dict["municipality"] == [
        "Die Kommune gehört nicht zu diesem Kreis."
    ]


def test_it_lets_only_the_districts_staff_open_records(district, outsider, coach, state_analyst):
    for actor in (outsider, coach, state_analyst):
        with pytest.raises(PermissionDenied):
            services.participant_create(actor=actor, district=district, given_names="Amina")


def test_it_logs_changed_field_names_without_their_content(case_manager, participant):
    services.participant_update(
        actor=case_manager, participant=participant, version=1, phone="0176 1234567"
    )
    entry = AuditEntry.objects.get(action="cases.participant.changed")
    assert entry.data == {"fields": ["phone"]}
    assert "0176" not in str(entry.data)


def test_it_refuses_the_second_of_two_concurrent_edits(case_manager, coordinator, participant):
    first = Participant.objects.get(pk=participant.pk)
    second = Participant.objects.get(pk=participant.pk)
    services.participant_update(
        actor=case_manager, participant=first, version=first.version, phone="111"
    )
    with pytest.raises(ValidationError) as excinfo:
        services.participant_update(
            actor=coordinator, participant=second, version=second.version, phone="222"
        )
    assert excinfo.value.code == "stale"
    participant.refresh_from_db()
    assert participant.phone == "111"


def test_it_keeps_the_status_history(case_manager, participant):
    services.residence_status_record(
        actor=case_manager,
        participant=participant,
        kind=ResidenceStatusKind.GESTATTUNG,
        valid_from=dt.date(2024, 1, 1),
        valid_until=dt.date(2025, 12, 31),
    )
    services.residence_status_record(
        actor=case_manager,
        participant=participant,
        kind=ResidenceStatusKind.DULDUNG,
        valid_from=dt.date(2026, 1, 1),
    )
    assert list(participant.residence_statuses.values_list("kind", flat=True)) == [
        "duldung",
        "gestattung",
    ]


def test_it_refuses_a_status_ending_before_it_begins(case_manager, participant):
    with pytest.raises(ValidationError):
        services.residence_status_record(
            actor=case_manager,
            participant=participant,
            kind=ResidenceStatusKind.DULDUNG,
            valid_from=dt.date(2026, 1, 1),
            valid_until=dt.date(2025, 1, 1),
        )


def test_it_refuses_an_outreach_in_the_future(case_manager, participant):
    with pytest.raises(ValidationError) as excinfo:
        services.outreach_record(
            actor=case_manager,
            participant=participant,
            channel="self_referral",
            date=dt.date(2099, 1, 1),
            result="reached",
        )
    assert "date" in excinfo.value.message_dict
