import re
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from durchstarten.core.models import Membership, Role, User
from durchstarten.organisation.models import (
    District,
    Module,
    Municipality,
    Position,
    Provider,
    ProviderAssignment,
)
from durchstarten.seeding.demo import DEMO_PASSWORD, DISTRICTS
from tests.factories import DistrictFactory, UserFactory

pytestmark = pytest.mark.django_db

GUETERSLOH_MUNICIPALITIES = {
    "Gütersloh",
    "Harsewinkel",
    "Herzebrock-Clarholz",
    "Rheda-Wiedenbrück",
    "Rietberg",
    "Langenberg",
    "Verl",
    "Schloß Holte-Stukenbrock",
    "Versmold",
    "Halle (Westf.)",
    "Borgholzhausen",
    "Steinhagen",
    "Werther (Westf.)",
}


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed", "--demo", "--no-cases", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    through = ProviderAssignment.municipalities.through
    models = (District, Municipality, Provider, ProviderAssignment, through, Position, User)
    result = {model.__name__: model.objects.count() for model in models}
    result["Membership"] = Membership.objects.count()
    return result


def test_it_creates_the_five_districts_of_the_seed_reports():
    seed()
    assert set(District.objects.values_list("name", "ags")) == {
        ("Kreis Gütersloh", "05754000"),
        ("Kreis Herford", "05758000"),
        ("Rhein-Kreis Neuss", "05162000"),
        ("Kreis Coesfeld", "05558000"),
        ("Kreis Paderborn", "05774000"),
    }


def test_it_creates_the_thirteen_municipalities_of_guetersloh():
    seed()
    guetersloh = District.objects.get(ags="05754000")
    names = set(guetersloh.municipalities.values_list("name", flat=True))
    assert names == GUETERSLOH_MUNICIPALITIES
    assert Municipality.objects.get(name="Gütersloh").ags == "05754008"


def test_it_assigns_the_three_coaching_providers_with_their_municipalities():
    seed()
    assignments = ProviderAssignment.objects.filter(
        district__ags="05754000", module=Module.COACHING
    ).prefetch_related("municipalities")
    assert {a.provider.name: {m.name for m in a.municipalities.all()} for a in assignments} == {
        "asH Gütersloh gGmbH": {"Gütersloh", "Harsewinkel", "Herzebrock-Clarholz"},
        "Caritasverband für den Kreis Gütersloh e. V.": {
            "Rheda-Wiedenbrück",
            "Rietberg",
            "Langenberg",
            "Verl",
            "Schloß Holte-Stukenbrock",
            "Versmold",
        },
        "INTAL Bildung und Beruf gGmbH": {
            "Halle (Westf.)",
            "Borgholzhausen",
            "Steinhagen",
            "Werther (Westf.)",
        },
    }


def test_it_gives_herford_coaching_by_the_diakonisches_werk():
    seed()
    assignment = ProviderAssignment.objects.get(district__ags="05758000", module=Module.COACHING)
    assert assignment.provider.name == "Diakonisches Werk"
    assert {m.name for m in assignment.municipalities.all()} == {"Herford", "Bünde", "Löhne"}


def test_it_creates_the_reported_posts():
    seed()
    coesfeld = Position.objects.get(district__ags="05558000", module=Module.CASE_MANAGEMENT)
    assert coesfeld.provider.name == "Caritasverband für den Kreis Coesfeld e. V."
    assert coesfeld.fte == Decimal("1.50")
    paderborn = Position.objects.filter(district__ags="05774000", module=Module.COACHING)
    assert sorted(p.fte for p in paderborn) == [Decimal("0.50"), Decimal("0.50")]
    assert {p.provider.name for p in paderborn} == {"Coaching-Träger Paderborn (Demo)"}


def test_it_marks_invented_posts_as_demo():
    seed()
    office_posts = Position.objects.filter(module=Module.CASE_MANAGEMENT, provider=None)
    assert set(office_posts.values_list("district__ags", flat=True)) == {
        "05754000",
        "05758000",
        "05162000",
        "05774000",
    }
    assert all("(Demo)" in title for title in office_posts.values_list("title", flat=True))


def test_it_uses_keys_of_the_districts_own_range():
    seed()
    for district in District.objects.prefetch_related("municipalities"):
        assert re.fullmatch(r"\d{8}", district.ags)
        for municipality in district.municipalities.all():
            assert re.fullmatch(r"\d{8}", municipality.ags)
            assert municipality.ags[:5] == district.ags[:5]
    verified = {spec.ags: spec.keys_verified for spec in DISTRICTS}
    for district in District.objects.all():
        assert district.is_demo is not verified[district.ags]


def test_it_keeps_one_provider_per_municipality_and_module():
    seed()
    through = ProviderAssignment.municipalities.through
    pairs = list(through.objects.values_list("municipality_id", "providerassignment__module"))
    assert len(pairs) == len(set(pairs))


def test_it_creates_no_duplicates_when_run_twice():
    seed()
    first = counts()
    seed()
    assert counts() == first


def test_it_skips_with_if_empty_when_a_district_exists():
    DistrictFactory()
    output = seed("--if-empty")
    assert "bereits Kreise" in output
    assert District.objects.count() == 1
    assert not User.objects.exists()


def test_it_seeds_with_if_empty_into_an_empty_database():
    seed("--if-empty")
    assert District.objects.count() == 5


def test_it_lets_every_demo_login_sign_in_with_the_demo_password():
    seed()
    for username in ("admin", "koordination", "teilhabe", "coach", "traeger", "land"):
        request = RequestFactory().post("/anmelden/")
        user = authenticate(request, username=username, password=DEMO_PASSWORD)
        assert user is not None, username


def test_it_creates_a_demo_login_for_every_role():
    seed()
    roles = set(
        Membership.objects.filter(
            user__username__in=["admin", "koordination", "teilhabe", "coach", "traeger", "land"]
        ).values_list("role", flat=True)
    )
    assert roles == set(Role.values)


def test_it_makes_the_coordinator_a_member_of_two_districts():
    seed()
    districts = Membership.objects.filter(
        user__username="koordination", role=Role.COORDINATOR
    ).values_list("district__name", flat=True)
    assert set(districts) == {"Kreis Gütersloh", "Kreis Herford"}


def test_it_ties_the_provider_logins_to_their_providers():
    seed()
    coach = Membership.objects.get(user__username="coach")
    staff = Membership.objects.get(user__username="traeger")
    assert (coach.role, coach.provider.name) == (Role.COACH, "asH Gütersloh gGmbH")
    assert (staff.role, staff.provider.name) == (
        Role.PROVIDER_STAFF,
        "Caritasverband für den Kreis Gütersloh e. V.",
    )


def test_it_gives_the_admin_access_to_the_django_admin():
    seed()
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.get(username="land").is_staff


def test_it_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        seed()
    assert not District.objects.exists()


def test_it_seeds_without_debug_when_forced(settings):
    settings.DEBUG = False
    seed("--force")
    assert District.objects.count() == 5


def test_it_does_not_take_over_a_real_account_with_a_demo_username():
    real = UserFactory(username="admin", email="it@kreis-guetersloh.de")
    with pytest.raises(CommandError, match="admin"):
        seed()
    real.refresh_from_db()
    assert not real.check_password(DEMO_PASSWORD)
    assert not District.objects.exists()


def test_it_lists_the_demo_logins():
    seed()
    out = StringIO()
    call_command("demo_logins", stdout=out)
    output = out.getvalue()
    assert "Benutzername" in output and "Passwort" in output
    for username in ("admin", "koordination", "teilhabe", "coach", "traeger", "land"):
        assert re.search(rf"^{username}\s", output, re.MULTILINE), username
    assert "Kreis Herford" in output
    assert DEMO_PASSWORD in output


def test_it_lists_no_logins_without_demo_users():
    UserFactory(username="admin")
    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "keine Demo-Zugänge" in out.getvalue()
    assert DEMO_PASSWORD not in out.getvalue()
