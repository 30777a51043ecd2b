"""The inbox, "Việc cần xử lý": every user's list of what waits for them."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from directives import selectors


@login_required
@require_GET
def inbox(request):
    today = timezone.localdate()
    sections = selectors.inbox_for(request.user, today=today)
    return render(
        request,
        "directives/inbox.html",
        {"sections": sections, "today": today, "total": sum(s.count for s in sections)},
    )
