"""The calendar feed (`/calendar/<secret>.ics`): the deadlines of the tasks the user's
organizations lead or support, as iCalendar (RFC 5545, built with `icalendar`).

One all-day event per task with a deadline: summary "path · directive: text", the lead,
supporting bodies, standing, progress and a link in the description; an alarm 7 days before.
The UID is the task's and never changes; SEQUENCE, DTSTAMP and LAST-MODIFIED follow the task's
`updated_at`, so a moved deadline replaces the event in Outlook, Thunderbird and Google
Calendar instead of adding one. Cancelled tasks stay as STATUS:CANCELLED events, so that
clients drop them.

The secret in the address is the credential (calendar clients cannot sign in); only its
SHA-256 is stored (`models.CalendarFeed`), and the account page replaces or revokes it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from icalendar import Alarm, Calendar, Event

from directives import models, selectors
from directives.services.access import hash_secret

EPOCH = datetime(2020, 1, 1, tzinfo=UTC)  # SEQUENCE counts seconds from here (fits 32 bits until 2088)
ALARM_BEFORE = timedelta(days=7)


def feed_tasks(user):
    """The tasks the user's organizations lead or support that have a deadline, with standing today."""
    mine = selectors.user_organization_ids(user)
    supported = models.Task.supporters.through.objects.filter(organization_id__in=mine).values("task_id")
    return (
        selectors.task_list(user, cutoff=timezone.localdate())
        .filter(Q(lead_id__in=mine) | Q(pk__in=supported))
        .filter(deadline__isnull=False)
        .order_by("deadline", "id")
    )


def _host() -> str:
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"


def build_calendar(user, tasks) -> bytes:
    labels = {code: str(label) for code, label in selectors.STANDING_CHOICES}
    host = _host()
    cal = Calendar()
    cal.add("prodid", "-//Theo doi nhiem vu//directive tracker//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _("Thời hạn nhiệm vụ — %(name)s") % {"name": user.get_full_name() or user.username})
    cal.add("x-wr-timezone", settings.TIME_ZONE)
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for task in tasks:
        directive = task.directive
        link = settings.SITE_URL + reverse("directives:task_detail", args=[task.pk])
        standing = labels.get(task.standing, "")
        modified = task.updated_at.astimezone(UTC)
        lead = task.lead.name if task.lead else _("(chưa giao)")
        supporters = ", ".join(o.name for o in task.supporters.all())
        event = Event()
        event.add("uid", f"task-{task.pk}@{host}")
        event.add("dtstamp", modified)
        event.add("last-modified", modified)
        event.add("sequence", max(0, int((modified - EPOCH).total_seconds())))
        event.add("dtstart", task.deadline)
        event.add("dtend", task.deadline + timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        event.add("summary", f"{task.path} · {directive}: {task.text[:120]}")
        lines = [
            task.text,
            "",
            _("Văn bản: %(d)s") % {"d": f"{directive} — {directive.title[:200]}"},
            _("Chủ trì: %(o)s") % {"o": lead},
        ]
        if supporters:
            lines.append(_("Phối hợp: %(o)s") % {"o": supporters})
        lines += [
            _("Tình trạng: %(s)s (tiến độ %(p)s%%)") % {"s": standing, "p": task.progress},
            link,
        ]
        event.add("description", "\n".join(lines))
        event.add("url", link)
        event.add("categories", [standing])
        event.add("status", "CANCELLED" if task.status == models.Task.Status.CANCELLED else "CONFIRMED")
        if task.status not in (models.Task.Status.DONE, models.Task.Status.CANCELLED):
            alarm = Alarm()
            alarm.add("uid", f"task-{task.pk}-7d@{host}")
            alarm.add("action", "DISPLAY")
            alarm.add("trigger", -ALARM_BEFORE)
            alarm.add("description", _("Còn 7 ngày: %(path)s · %(d)s") % {"path": task.path, "d": directive})
            event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()


@require_GET
def calendar_feed(request, secret: str):
    feed = models.CalendarFeed.objects.select_related("user").filter(key_hash=hash_secret(secret)).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    now = timezone.now()
    if feed.last_used_at is None or feed.last_used_at < now - timedelta(minutes=5):
        models.CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    body = build_calendar(feed.user, feed_tasks(feed.user))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="nhiem-vu.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
