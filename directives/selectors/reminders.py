"""Reminder health: is the sweep running, is mail going out, did anything fail or expire.

One definition of "unhealthy", read by `reminders_health` (exit status), the staff page
(red) and `/healthz/reminders` (503), so that the three never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone

from directives import models

__all__ = ["HealthProblem", "RemindersHealth", "reminders_health"]

N = models.Notification


@dataclass(frozen=True)
class HealthProblem:
    code: str  # sweep_never, sweep_late, sweep_error, sending_failing, rows_failed, backlog_old
    message: str

    def __str__(self) -> str:
        return self.message


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
    expired: int = 0
    failing_since: datetime | None = None  # first error of the rows still waiting to be sent
    failing_rows: int = 0
    last_error: str = ""
    recent_failed: int = 0  # failed or expired within REMINDER_ALERT_FAILED_HOURS
    last_sweep: models.SweepRun | None = None
    recent_sweeps: list = field(default_factory=list)

    @property
    def sweep_age(self) -> timedelta | None:
        return self.now - self.last_sweep_at if self.last_sweep_at else None

    @property
    def oldest_pending_age(self) -> timedelta | None:
        return self.now - self.oldest_pending_at if self.oldest_pending_at else None

    @property
    def failing_for(self) -> timedelta | None:
        return self.now - self.failing_since if self.failing_since else None

    def problems(
        self,
        *,
        max_sweep_age: timedelta = timedelta(hours=26),
        max_pending_age: timedelta = timedelta(minutes=60),
        max_failing: timedelta | None = None,
    ) -> list[HealthProblem]:
        from django.utils.translation import gettext as _

        max_failing = max_failing or timedelta(minutes=settings.REMINDER_ALERT_MINUTES)
        found = []
        if self.sweep_age is None:
            found.append(HealthProblem("sweep_never", _("Chưa có lượt quét đôn đốc nào hoàn thành.")))
        elif self.sweep_age > max_sweep_age:
            found.append(
                HealthProblem(
                    "sweep_late",
                    _("Lượt quét gần nhất đã quá %(h)s giờ (lúc %(at)s).")
                    % {
                        "h": int(max_sweep_age.total_seconds() // 3600),
                        "at": timezone.localtime(self.last_sweep_at).strftime("%d/%m/%Y %H:%M"),
                    },
                )
            )
        if self.failing_for is not None and self.failing_for > max_failing:
            found.append(
                HealthProblem(
                    "sending_failing",
                    _("Gửi email thất bại từ %(since)s (%(m)s phút), %(n)s thông báo đang chờ gửi lại. Lỗi cuối: %(e)s")
                    % {
                        "since": timezone.localtime(self.failing_since).strftime("%d/%m/%Y %H:%M"),
                        "m": int(self.failing_for.total_seconds() // 60),
                        "n": self.failing_rows,
                        "e": self.last_error or "—",
                    },
                )
            )
        if self.recent_failed:
            found.append(
                HealthProblem(
                    "rows_failed",
                    _("%(n)s thông báo gửi lỗi hoặc hết hạn không gửi được trong %(h)s giờ qua.")
                    % {"n": self.recent_failed, "h": settings.REMINDER_ALERT_FAILED_HOURS},
                )
            )
        if self.oldest_pending_age is not None and self.oldest_pending_age > max_pending_age:
            found.append(
                HealthProblem(
                    "backlog_old",
                    _("Có thông báo chờ gửi quá %(m)s phút.") % {"m": int(max_pending_age.total_seconds() // 60)},
                )
            )
        return found

    def as_dict(self, problems: list[HealthProblem]) -> dict:
        """For monitors: figures and problem codes, no addresses or error texts."""

        def iso(value):
            return value.isoformat() if value else None

        return {
            "healthy": not problems,
            "problems": [p.code for p in problems],
            "last_sweep_at": iso(self.last_sweep_at),
            "pending": self.pending,
            "sending": self.sending,
            "failed": self.failed,
            "expired": self.expired,
            "recent_failed": self.recent_failed,
            "failing_since": iso(self.failing_since),
            "failing_rows": self.failing_rows,
            "oldest_pending_at": iso(self.oldest_pending_at),
        }


def reminders_health(user=None, *, now: datetime | None = None) -> RemindersHealth:
    """Figures for staff (the caller checks `is_staff`): three aggregate queries and the
    recent sweeps."""
    now = now or timezone.now()
    recent = list(models.SweepRun.objects.order_by("-started_at")[:7])
    last = models.SweepRun.objects.exclude(finished_at=None).order_by("-finished_at").first()
    since = now - timedelta(hours=settings.REMINDER_ALERT_FAILED_HOURS)
    waiting = Q(state__in=[N.State.PENDING, N.State.SENDING])
    closed_badly = Q(state__in=[N.State.FAILED, N.State.EXPIRED])
    figures = N.objects.aggregate(
        pending=Count("id", filter=Q(state=N.State.PENDING)),
        sending=Count("id", filter=Q(state=N.State.SENDING)),
        failed=Count("id", filter=Q(state=N.State.FAILED)),
        expired=Count("id", filter=Q(state=N.State.EXPIRED)),
        sent=Count("id", filter=Q(state=N.State.SENT)),
        # Rows that should have gone out by now (not those waiting for a retry or a later send).
        oldest=Min("created_at", filter=waiting & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))),
        failing_since=Min("first_error_at", filter=waiting),
        failing_rows=Count("id", filter=waiting & Q(first_error_at__isnull=False)),
        recent_failed=Count("id", filter=closed_badly & Q(closed_at__gte=since)),
    )
    latest_error = (
        N.objects.filter(waiting & Q(first_error_at__isnull=False) | closed_badly & Q(closed_at__gte=since))
        .exclude(last_error="")
        .order_by("-id")
        .values_list("last_error", flat=True)
        .first()
    )
    return RemindersHealth(
        now=now,
        last_sweep_at=last.finished_at if last else None,
        last_sweep_planned=last.planned if last else None,
        pending=figures["pending"],
        sending=figures["sending"],
        failed=figures["failed"],
        sent=figures["sent"],
        expired=figures["expired"],
        oldest_pending_at=figures["oldest"],
        failing_since=figures["failing_since"],
        failing_rows=figures["failing_rows"],
        last_error=latest_error or "",
        recent_failed=figures["recent_failed"],
        last_sweep=last,
        recent_sweeps=recent,
    )
