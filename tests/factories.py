import datetime as dt
from decimal import Decimal

import factory

from durchstarten.core.models import Membership, Role, User
from durchstarten.organisation.models import (
    District,
    Module,
    Municipality,
    Position,
    Provider,
    ProviderAssignment,
)

PASSWORD = "Sicheres-Testpasswort-2026"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    name = factory.Sequence(lambda n: f"Kreis {n}")
    kind = District.Kind.KREIS
    ags = factory.Sequence(lambda n: f"{90000000 + n * 1000:08d}")
    is_demo = True


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"Kommune {n}")
    ags = factory.LazyAttributeSequence(lambda o, n: f"{int(o.district.ags) + 1 + n % 999:08d}")


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"Träger {n} gGmbH")


class ProviderAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderAssignment
        skip_postgeneration_save = True

    provider = factory.SubFactory(ProviderFactory)
    district = factory.SelfAttribute("provider.district")
    module = Module.COACHING
    valid_from = dt.date(2026, 1, 1)
    valid_until = dt.date(2026, 12, 31)

    @factory.post_generation
    def municipalities(self, create, extracted, **kwargs):
        if create and extracted:
            self.municipalities.set(extracted)


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    district = factory.SubFactory(DistrictFactory)
    provider = None
    module = Module.CASE_MANAGEMENT
    fte = Decimal("1.00")
    valid_from = dt.date(2026, 1, 1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save(update_fields=["password"])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.CASE_MANAGER
    district = factory.SubFactory(DistrictFactory)
    provider = None


def member(role: str, district: District | None = None, provider: Provider | None = None) -> User:
    """A new user holding one role; provider roles take the provider's district."""
    if provider is not None:
        district = provider.district
    return MembershipFactory(role=role, district=district, provider=provider).user


# --- Case work -----------------------------------------------------------------------------

from durchstarten.cases import models as case_models  # noqa: E402
from durchstarten.cases.choices import ConsentPurpose, ResidenceStatusKind  # noqa: E402


class ParticipantFactory(factory.django.DjangoModelFactory):
    """A participant written directly (tests of services create theirs through the services)."""

    class Meta:
        model = case_models.Participant

    district = factory.SubFactory(DistrictFactory)
    municipality = factory.LazyAttribute(lambda o: MunicipalityFactory(district=o.district))
    given_names = factory.Sequence(lambda n: f"Vorname{n}")
    family_name = factory.Sequence(lambda n: f"Familie{n}")
    date_of_birth = dt.date(2003, 4, 1)


class ResidenceStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = case_models.ResidenceStatus

    participant = factory.SubFactory(ParticipantFactory)
    kind = ResidenceStatusKind.DULDUNG
    valid_from = dt.date(2024, 1, 1)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = case_models.Consent

    participant = factory.SubFactory(ParticipantFactory)
    purpose = ConsentPurpose.CASE_WORK
    given_on = dt.date(2026, 1, 1)
    form_language = "de"


# --- Offers --------------------------------------------------------------------------------

from durchstarten.offers import models as offer_models  # noqa: E402
from durchstarten.offers.choices import OfferCategory, OfferKind  # noqa: E402


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = offer_models.Offer
        skip_postgeneration_save = True

    district = factory.SubFactory(DistrictFactory)
    provider = None
    organiser = "VHS"
    kind = OfferKind.REGULAR
    category = OfferCategory.INTEGRATION_COURSE
    title = factory.Sequence(lambda n: f"Angebot {n}")
    start_date = dt.date(2026, 12, 1)
    end_date = dt.date(2027, 6, 30)
    capacity = 10

    @factory.post_generation
    def municipalities(self, create, extracted, **kwargs):
        if create and extracted:
            self.municipalities.set(extracted)
