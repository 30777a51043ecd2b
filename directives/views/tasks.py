"""Views: guard, validate with a form, call one service or selector, render or redirect."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from directives import selectors


@login_required
def home(request):
    tasks = selectors.tasks_visible_to(request.user).select_related("directive", "lead").order_by("deadline")[:50]
    return render(request, "directives/home.html", {"tasks": tasks})
