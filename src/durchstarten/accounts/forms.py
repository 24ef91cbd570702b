import datetime as dt

from django import forms
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from durchstarten.core.lists import SortedFilterForm

CODE_ATTRS = {
    "autocomplete": "one-time-code",
    "inputmode": "numeric",
    "spellcheck": "false",
    "autocapitalize": "off",
}


class CodeForm(forms.Form):
    """One code: six digits from the authenticator app, or a backup code."""

    token = forms.CharField(
        label=_("Sicherheitscode"),
        help_text=_("Sechs Ziffern aus Ihrer Authenticator-App oder einer Ihrer Notfallcodes."),
        max_length=20,
        widget=forms.TextInput(attrs=CODE_ATTRS),
    )


class SetupForm(forms.Form):
    token = forms.CharField(
        label=_("Code aus der App"),
        help_text=_("Geben Sie die sechs Ziffern ein, die Ihre App jetzt anzeigt."),
        max_length=10,
        widget=forms.TextInput(attrs=CODE_ATTRS),
    )


class RemoveForm(forms.Form):
    password = forms.CharField(
        label=_("Ihr Passwort"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    token = CodeForm.base_fields["token"]


DURATION_CHOICES = [
    (30, _("30 Minuten")),
    (60, _("1 Stunde")),
    (120, _("2 Stunden")),
    (240, _("4 Stunden")),
]


class BreakGlassForm(forms.Form):
    participant = forms.UUIDField(
        label=_("Kennung der Teilnehmenden"),
        help_text=_("Die öffentliche ID, die Ihnen der Kreis genannt hat."),
        error_messages={"invalid": _("Bitte geben Sie eine gültige Kennung ein.")},
    )
    reason = forms.CharField(
        label=_("Begründung"),
        help_text=_(
            "Mindestens 20 Zeichen, z. B. die Nummer der Supportanfrage und was Sie prüfen. "
            "Die Koordinierung des Kreises sieht die Begründung."
        ),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    duration = forms.TypedChoiceField(
        label=_("Dauer"), choices=DURATION_CHOICES, coerce=int, initial=60
    )

    def service_fields(self) -> dict:
        return {
            "participant_public_id": self.cleaned_data["participant"],
            "reason": self.cleaned_data["reason"],
            "duration": dt.timedelta(minutes=self.cleaned_data["duration"]),
        }


ACTIVE, ENDED = "active", "ended"


class BreakGlassFilterForm(SortedFilterForm):
    """Expects the queryset from selectors.break_glass_list_for_user."""

    sort_fields = {
        "starts": ("starts_at",),
        "ends": ("ends_at",),
        "user": (Lower("user__username"), "starts_at"),
    }
    default_sort = "-starts"

    q = forms.CharField(
        label=_("Begründung oder Benutzername enthält"), required=False, max_length=100
    )
    status = forms.ChoiceField(
        label=_("Stand"),
        required=False,
        choices=[("", _("alle")), (ACTIVE, _("laufend")), (ENDED, _("beendet"))],
    )

    @property
    def current_sort(self) -> str:
        self.is_valid()
        wanted = self.cleaned_data.get("sort") or ""
        return wanted if wanted.removeprefix("-") in self.sort_fields else self.default_sort

    def narrow(self, queryset, data):
        if q := (data.get("q") or "").strip():
            queryset = queryset.filter(Q(reason__icontains=q) | Q(user__username__icontains=q))
        now = timezone.now()
        if data.get("status") == ACTIVE:
            queryset = queryset.active(now)
        elif data.get("status") == ENDED:
            queryset = queryset.exclude(
                revoked_at__isnull=True, starts_at__lte=now, ends_at__gt=now
            )
        return queryset
