import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from durchstarten.api.models import TokenScope
from durchstarten.core.forms import DateInput

DEFAULT_VALIDITY_DAYS = 90


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Bezeichnung"),
        max_length=100,
        help_text=_("Wofür Sie den Schlüssel nutzen, z. B. „Auswertung Jobcenter“."),
    )
    scope = forms.ChoiceField(
        label=_("Berechtigung"),
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        help_text=_(
            "Ein Schlüssel kann nie mehr als Sie selbst. „Nur lesen“ genügt für Auswertungen."
        ),
    )
    expires_on = forms.DateField(
        label=_("Gültig bis"),
        widget=DateInput,
        help_text=_("Höchstens ein Jahr. Danach legen Sie einen neuen Schlüssel an."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default = timezone.localdate() + dt.timedelta(days=DEFAULT_VALIDITY_DAYS)
        self.fields["expires_on"].initial = default
