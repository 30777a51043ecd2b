"""Reminder health: when the sweep last ran and how old the outbox is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Min, Q
from django.utils import timezone

from directives import models

__all__ = ["RemindersHealth", "reminders_health"]

N = models.Notification


@dataclass
class RemindersHealth:
    now: datetime
    last_sweep_at: datetime | None
    last_sweep_planned: int | None
    pending: int
    sending: int
    failed: int
    sent: int
    oldest_pending_at: datetime | None

    @property
    def sweep_age(self) -> timedelta | None:
        return self.now - self.last_sweep_at if self.last_sweep_at else None

    @property
    def oldest_pending_age(self) -> timedelta | None:
        return self.now - self.oldest_pending_at if self.oldest_pending_at else None

    def problems(self, *, max_sweep_age: timedelta, max_pending_age: timedelta) -> list[str]:
        from django.utils.translation import gettext as _

        found = []
        if self.sweep_age is None:
            found.append(_("Chưa có lượt quét đôn đốc nào hoàn thành."))
        elif self.sweep_age > max_sweep_age:
            found.append(_("Lượt quét gần nhất đã quá %(h)s giờ.") % {"h": int(max_sweep_age.total_seconds() // 3600)})
        if self.oldest_pending_age is not None and self.oldest_pending_age > max_pending_age:
            found.append(_("Có thông báo chờ gửi quá %(m)s phút.") % {"m": int(max_pending_age.total_seconds() // 60)})
        return found


def reminders_health(user=None, *, now: datetime | None = None) -> RemindersHealth:
    """Figures for staff (the caller checks `is_staff`): two aggregate queries."""
    now = now or timezone.now()
    last = models.SweepRun.objects.exclude(finished_at=None).order_by("-finished_at").first()
    figures = N.objects.aggregate(
        pending=Count("id", filter=Q(state=N.State.PENDING)),
        sending=Count("id", filter=Q(state=N.State.SENDING)),
        failed=Count("id", filter=Q(state=N.State.FAILED)),
        sent=Count("id", filter=Q(state=N.State.SENT)),
        oldest=Min("created_at", filter=Q(state__in=[N.State.PENDING, N.State.SENDING])),
    )
    return RemindersHealth(
        now=now,
        last_sweep_at=last.finished_at if last else None,
        last_sweep_planned=last.planned if last else None,
        pending=figures["pending"],
        sending=figures["sending"],
        failed=figures["failed"],
        sent=figures["sent"],
        oldest_pending_at=figures["oldest"],
    )
