from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FeedDetail(models.TextChoices):
    """How much of a person a calendar event shows. Calendars leave the system: least first."""

    REFERENCE = "reference", _("nur die Kennung der Person")
    INITIALS = "initials", _("Kennung und Initialen")
    FULL_NAME = "full_name", _("Kennung und vollständiger Name")


class CalendarFeed(models.Model):
    """A user's secret calendar address (ICS) and what its events show.

    Only a hash of the token is stored: the address is shown once, when it is made, and
    cannot be read back from the database. Revoking deletes the row.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Benutzer*in"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    detail = models.CharField(
        _("Angaben zur Person"),
        max_length=10,
        choices=FeedDetail.choices,
        default=FeedDetail.REFERENCE,
    )
    show_titles = models.BooleanField(_("Titel von Aufgaben und Angeboten zeigen"), default=False)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    # When the feed's content last changed (its Last-Modified), and its hash to notice that.
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    content_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_fetched_at = models.DateTimeField(_("zuletzt abgerufen"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("Kalenderabonnement")
        verbose_name_plural = _("Kalenderabonnements")

    def __str__(self) -> str:
        return str(self.user)
