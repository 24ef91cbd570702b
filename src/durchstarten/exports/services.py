"""Writes of the exports app: audit entries of exports and the calendar feed's lifecycle.

Audit entries of exports name the list, the format, the number of rows and which filters
were set (their names, never their values: a search term can be a name).
"""

import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from durchstarten.core.audit import log_action
from durchstarten.core.models import AuditOutcome, Role, User
from durchstarten.core.scoping import access_for
from durchstarten.core.services import save_with_version
from durchstarten.exports import selectors
from durchstarten.exports.models import CalendarFeed, FeedDetail

# Roles whose work puts tasks or referral starts into a calendar.
CALENDAR_ROLES = frozenset({Role.COORDINATOR, Role.CASE_MANAGER, Role.COACH, Role.PROVIDER_STAFF})

FEED_EXISTS = _("Sie haben bereits eine Kalenderadresse. Erzeugen Sie sie bei Bedarf neu.")
NAMES_NEED_EXPORT = _(
    "Vollständige Namen im Kalender sind nur mit der Berechtigung zum Export möglich."
)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def export_logged(
    *, actor: User, kind: str, fmt: str, rows: int, filter_keys: list[str], district_id: int
) -> None:
    """Record an export of a list (`export.<kind>`)."""
    log_action(
        f"export.{kind}",
        actor=actor,
        district_id=district_id,
        data={"format": fmt, "rows": rows, "filters": filter_keys},
    )


def export_refused(*, actor: User, kind: str, fmt: str, district_id: int | None) -> None:
    """Record an export refused for want of the export permission."""
    log_action(
        f"export.{kind}",
        actor=actor,
        district_id=district_id,
        outcome=AuditOutcome.DENIED,
        data={"format": fmt, "reason": "no_export_permission"},
    )


def _require_calendar_role(actor: User) -> None:
    access = access_for(actor)
    if not any(roles & CALENDAR_ROLES for roles in access.district_roles.values()):
        raise PermissionDenied


def _check_detail(actor: User, detail: str) -> None:
    if detail == FeedDetail.FULL_NAME and not selectors.export_district_ids(actor):
        raise ValidationError({"detail": NAMES_NEED_EXPORT}, code="names_need_export")


@transaction.atomic
def calendar_feed_create(
    *, actor: User, detail: str = FeedDetail.REFERENCE, show_titles: bool = False
) -> tuple[CalendarFeed, str]:
    """Make the user's calendar address; returns the feed and the token (shown only now)."""
    _require_calendar_role(actor)
    _check_detail(actor, detail)
    if CalendarFeed.objects.select_for_update().filter(user=actor).exists():
        raise ValidationError(FEED_EXISTS, code="exists")
    token, hashed = _new_token()
    feed = CalendarFeed(user=actor, token_hash=hashed, detail=detail, show_titles=show_titles)
    feed.full_clean(exclude=["token_hash", "user"], validate_constraints=False)
    feed.save()
    log_action(
        "calendar.feed.created",
        actor=actor,
        data={"detail": detail, "show_titles": show_titles},
    )
    return feed, token


@transaction.atomic
def calendar_feed_update(
    *, actor: User, feed: CalendarFeed, version: int, detail: str, show_titles: bool
) -> CalendarFeed:
    """Change what the events show; the address stays."""
    if feed.user_id != actor.pk:
        raise PermissionDenied
    _check_detail(actor, detail)
    feed.detail, feed.show_titles = detail, show_titles
    feed.full_clean(exclude=["token_hash", "user"], validate_constraints=False)
    save_with_version(feed, expected_version=version, fields=["detail", "show_titles"])
    log_action(
        "calendar.feed.changed",
        actor=actor,
        data={"detail": detail, "show_titles": show_titles},
    )
    return feed


@transaction.atomic
def calendar_feed_regenerate(*, actor: User, feed: CalendarFeed) -> str:
    """A new address; the old one stops working at once. Returns the new token."""
    if feed.user_id != actor.pk:
        raise PermissionDenied
    token, feed.token_hash = _new_token()
    save_with_version(feed, expected_version=feed.version, fields=["token_hash"])
    log_action("calendar.feed.regenerated", actor=actor)
    return token


@transaction.atomic
def calendar_feed_revoke(*, actor: User, feed: CalendarFeed) -> None:
    """Delete the address: calendars that subscribed to it get nothing more."""
    if feed.user_id != actor.pk:
        raise PermissionDenied
    feed.delete()
    log_action("calendar.feed.revoked", actor=actor)


def calendar_feed_fetched(
    *, feed: CalendarFeed, content_hash: str, events: int, request=None
) -> None:
    """Note a fetch of the feed (audit entry without the token) and when its content changed."""
    now = timezone.now()
    fields = {"last_fetched_at": now}
    if feed.content_hash != content_hash or feed.content_changed_at is None:
        fields.update(content_hash=content_hash, content_changed_at=now)
    with transaction.atomic():
        CalendarFeed.objects.filter(pk=feed.pk).update(**fields)
        log_action(
            "calendar.feed.fetched",
            actor=feed.user,
            request=request,
            role="",
            data={"events": events},
        )
    for name, value in fields.items():
        setattr(feed, name, value)
