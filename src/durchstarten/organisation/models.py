from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from durchstarten.core.models import TimestampedModel

ags_validator = RegexValidator(
    r"^\d{8}$", _("Der AGS besteht aus genau 8 Ziffern (z. B. 05754008).")
)


class Module(models.IntegerChoices):
    """The six funding modules (Förderbausteine) of the programme."""

    COACHING = 1, _("1 – Coaching")
    IN_WORK = 2, _("2 – Qualifizierung und Sprachförderung im Beruf")
    SCHOOL_CERTIFICATE = 3, _("3 – Nachholen des Hauptschulabschlusses")
    PREPARATION = 4, _("4 – Vorbereitungskurse und Jugendintegrationskurse")
    INNOVATION = 5, _("5 – Innovationsfonds")
    CASE_MANAGEMENT = 6, _("6 – Teilhabemanagement")


class District(TimestampedModel):
    """A Kreis or kreisfreie Stadt that runs the programme."""

    class Kind(models.TextChoices):
        KREIS = "kreis", _("Kreis")
        KREISFREIE_STADT = "kreisfreie_stadt", _("Kreisfreie Stadt")

    name = models.CharField(_("Name"), max_length=150)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    ags = models.CharField(_("AGS"), max_length=8, unique=True, validators=[ags_validator])
    # Keys we could not verify are flagged so nobody mistakes them for official ones.
    is_demo = models.BooleanField(_("Demo-Datensatz"), default=False)

    class Meta:
        verbose_name = _("Kreis / kreisfreie Stadt")
        verbose_name_plural = _("Kreise und kreisfreie Städte")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Municipality(TimestampedModel):
    """A Kommune within a district."""

    district = models.ForeignKey(
        District,
        verbose_name=_("Kreis"),
        on_delete=models.PROTECT,
        related_name="municipalities",
    )
    name = models.CharField(_("Name"), max_length=150)
    ags = models.CharField(_("AGS"), max_length=8, unique=True, validators=[ags_validator])

    class Meta:
        verbose_name = _("Kommune")
        verbose_name_plural = _("Kommunen")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"], name="municipality_name_unique_in_district"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Provider(TimestampedModel):
    """A Träger that delivers one or more modules in a district."""

    district = models.ForeignKey(
        District, verbose_name=_("Kreis"), on_delete=models.PROTECT, related_name="providers"
    )
    name = models.CharField(_("Name"), max_length=200)
    short_name = models.CharField(_("Kurzname"), max_length=60, blank=True)
    address = models.TextField(_("Anschrift"), blank=True)
    email = models.EmailField(_("E-Mail"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=40, blank=True)
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("Träger")
        verbose_name_plural = _("Träger")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "name"], name="provider_name_unique_in_district"
            )
        ]

    def __str__(self) -> str:
        return self.short_name or self.name


class PeriodQuerySet(models.QuerySet):
    def active_on(self, day):
        return self.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day), valid_from__lte=day
        )


class ProviderAssignment(TimestampedModel):
    """A provider is responsible for a module in a set of municipalities for a period."""

    provider = models.ForeignKey(
        Provider, verbose_name=_("Träger"), on_delete=models.PROTECT, related_name="assignments"
    )
    # Denormalised from provider so that scoping and the overlap rule need no join.
    district = models.ForeignKey(
        District, verbose_name=_("Kreis"), on_delete=models.PROTECT, related_name="assignments"
    )
    module = models.PositiveSmallIntegerField(_("Förderbaustein"), choices=Module.choices)
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("Kommunen"), related_name="assignments"
    )
    valid_from = models.DateField(_("gültig ab"))
    valid_until = models.DateField(_("gültig bis"), null=True, blank=True)
    note = models.TextField(_("Bemerkung"), blank=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("Zuständigkeit")
        verbose_name_plural = _("Zuständigkeiten")
        ordering = ["module", "provider__name", "valid_from"]
        constraints = [
            models.CheckConstraint(
                name="assignment_period_ordered",
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} · {self.get_module_display()}"


class Position(TimestampedModel):
    """A funded post (Stelle) at a provider or at the coordinating office."""

    district = models.ForeignKey(
        District, verbose_name=_("Kreis"), on_delete=models.PROTECT, related_name="positions"
    )
    # Empty provider means the post is at the district's coordinating office.
    provider = models.ForeignKey(
        Provider,
        verbose_name=_("Träger"),
        on_delete=models.PROTECT,
        related_name="positions",
        null=True,
        blank=True,
    )
    module = models.PositiveSmallIntegerField(_("Förderbaustein"), choices=Module.choices)
    title = models.CharField(_("Bezeichnung"), max_length=150, blank=True)
    fte = models.DecimalField(
        _("Stellenanteil (VZÄ)"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("10.00"))],
    )
    holder = models.ForeignKey(
        "core.User",
        verbose_name=_("Stelleninhaber*in"),
        on_delete=models.SET_NULL,
        related_name="positions",
        null=True,
        blank=True,
    )
    valid_from = models.DateField(_("gültig ab"))
    valid_until = models.DateField(_("gültig bis"), null=True, blank=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("Stelle")
        verbose_name_plural = _("Stellen")
        ordering = ["module", "valid_from"]
        constraints = [
            models.CheckConstraint(
                name="position_period_ordered",
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
            ),
            models.CheckConstraint(
                name="position_fte_range", condition=Q(fte__gt=0) & Q(fte__lte=10)
            ),
        ]

    def __str__(self) -> str:
        employer = self.provider or _("Koordinierungsstelle")
        return f"{employer} · {self.get_module_display()} · {self.fte} VZÄ"

    @property
    def employer_name(self) -> str:
        return str(self.provider) if self.provider_id else str(_("Koordinierungsstelle"))
