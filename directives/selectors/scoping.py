"""Every read that is more than a `get`.

Selectors take the user first, so that what a user may see is decided in one place.
They return querysets or plain dataclasses.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from directives import models

__all__ = [
    "directive_warnings",
    "directives_visible_to",
    "task_visibility_q",
    "tasks_visible_to",
    "user_organization_ids",
    "user_roles",
]


def user_organization_ids(user, *, roles: tuple[str, ...] | None = None) -> list[int]:
    """The organizations the user belongs to (with one of `roles`, when given).

    Without `roles` the answer is kept on the user object, that is for one request: a page
    asks it several times (the list, its filter choices, the permissions).
    """
    if not user.is_authenticated:
        return []
    if not roles and getattr(user, "_tracker_org_ids", None) is not None:
        return user._tracker_org_ids
    if not roles:
        user._tracker_org_ids = list(user_roles(user))
        return user._tracker_org_ids
    memberships = models.Membership.objects.filter(user=user, organization__is_active=True)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return list(memberships.values_list("organization_id", flat=True))


def user_roles(user) -> dict[int, str]:
    """{organization id: role} of the user's active memberships, kept on the user object,
    that is for one request (the menu, the list and the permissions all ask)."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_tracker_roles", None)
    if cached is None:
        cached = dict(
            models.Membership.objects.filter(user=user, organization__is_active=True).values_list(
                "organization_id", "role"
            )
        )
        user._tracker_roles = cached
    return dict(cached)


def task_visibility_q(org_ids: list[int], *, user_id: int | None = None) -> Q:
    """Tasks a member of `org_ids` may read: led or supported by them, passed down by them to a
    lower body (`assigned_by`), or of directives they issued; with `user_id`, also the tasks of
    the directives that user imported (created)."""
    supported = models.Task.supporters.through.objects.filter(task_id=OuterRef("pk"), organization_id__in=org_ids)
    q = (
        Q(lead_id__in=org_ids)
        | Q(directive__issuer_id__in=org_ids)
        | Q(assigned_by_id__in=org_ids)
        | Q(Exists(supported))
    )
    if user_id is not None:
        q |= Q(directive__created_by_id=user_id)
    return q


def tasks_visible_to(user) -> QuerySet[models.Task]:
    """Tasks the user may read. Superusers see all; others see their organizations' tasks and
    those of the directives they imported (an importer always sees his import)."""
    qs = models.Task.objects.all()
    if user.is_superuser:
        return qs
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(task_visibility_q(user_organization_ids(user), user_id=user.pk))


def directives_visible_to(user) -> QuerySet[models.Directive]:
    """Directives the user may read: issued by his organizations, holding a task he may read, or
    imported (created) by him."""
    qs = models.Directive.objects.all()
    if user.is_superuser:
        return qs
    if not user.is_authenticated:
        return qs.none()
    org_ids = user_organization_ids(user)
    visible_tasks = tasks_visible_to(user).filter(directive_id=OuterRef("pk"))
    return qs.filter(Q(issuer_id__in=org_ids) | Q(created_by_id=user.pk) | Q(Exists(visible_tasks)))


def directive_warnings(*, directive: models.Directive) -> list[str]:
    """What a clerk should look at again after saving: figures above their total, deadlines
    before the issue date. These are flagged, not refused: both happen in real documents."""
    warnings = []
    for target in directive.targets.all():
        if target.exceeds_total:
            warnings.append(
                _("Chỉ tiêu “%(label)s”: số đã đạt (%(a)s) vượt chỉ tiêu (%(t)s).")
                % {"label": target.label[:80], "a": target.achieved.normalize(), "t": target.total.normalize()}
            )
    if directive.issued_on:
        for task in directive.tasks.filter(deadline__lt=directive.issued_on).only("path", "deadline"):
            warnings.append(
                _("Nhiệm vụ %(path)s: thời hạn %(deadline)s trước ngày ban hành %(issued)s.")
                % {
                    "path": task.path,
                    "deadline": task.deadline.strftime("%d/%m/%Y"),
                    "issued": directive.issued_on.strftime("%d/%m/%Y"),
                }
            )
    return warnings
