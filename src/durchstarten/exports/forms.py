from django import forms
from django.utils.translation import gettext_lazy as _

from durchstarten.core.forms import VersionedForm
from durchstarten.exports.models import FeedDetail


class CalendarFeedForm(VersionedForm):
    detail = forms.ChoiceField(
        label=_("Was sollen die Termine über die Person zeigen?"),
        choices=FeedDetail.choices,
        initial=FeedDetail.REFERENCE,
        widget=forms.RadioSelect,
        help_text=_(
            "Ihr Kalenderprogramm speichert die Termine außerhalb von Durchstarten, oft auch "
            "auf Servern Dritter (z. B. Microsoft 365) und auf dem Mobiltelefon. Die Kennung "
            "allein verrät niemandem, um wen es geht; Initialen machen eine Person für "
            "Eingeweihte erkennbar; vollständige Namen sind Sozialdaten außerhalb unserer "
            "Zugriffskontrolle. Wählen Sie Namen nur, wenn Ihr Kalender dafür zugelassen ist."
        ),
    )
    show_titles = forms.BooleanField(
        label=_("Titel von Aufgaben und Angeboten zeigen"),
        required=False,
        help_text=_("Aufgabentitel können Angaben zur Person enthalten."),
    )

    @classmethod
    def initial_for(cls, feed) -> dict:
        if feed is None:
            return {"detail": FeedDetail.REFERENCE}
        return {"detail": feed.detail, "show_titles": feed.show_titles, "version": feed.version}
