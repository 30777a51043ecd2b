"""Who may do what, in one place. Views ask these; templates only show what views allow.

- Viewer: reads the tasks of their organizations (lead or support) and of the directives
  their organizations issued (`selectors.tasks_visible_to`).
- Reporter: also reports progress on a task their organization leads (or, for a supporting
  organization, on its own contribution), asks for extensions of tasks it leads and updates
  the targets of those tasks.
- Manager: all a reporter may, and decides the extension requests of the directives their
  organization issued.
Superusers may do everything; their reports are filed for the lead organization.
"""

from __future__ import annotations

from directives import models

ACTING = (models.Membership.Role.REPORTER, models.Membership.Role.MANAGER)
MANAGER = models.Membership.Role.MANAGER


def report_organization(user, task: models.Task, roles: dict[int, str]) -> models.Organization | None:
    """The organization the user reports for on `task`, or None if they may not report."""
    if task.lead_id and roles.get(task.lead_id) in ACTING:
        return task.lead
    for org in task.supporters.all():
        if roles.get(org.pk) in ACTING:
            return org
    if user.is_superuser and task.lead_id:
        return task.lead
    return None


def can_request_extension(user, task: models.Task, roles: dict[int, str]) -> bool:
    if task.status in (models.Task.Status.DONE, models.Task.Status.CANCELLED):
        return False
    return bool(task.lead_id) and (user.is_superuser or roles.get(task.lead_id) in ACTING)


def can_decide_extension(user, directive: models.Directive, roles: dict[int, str]) -> bool:
    return user.is_superuser or (directive.issuer_id is not None and roles.get(directive.issuer_id) == MANAGER)


def can_update_target(user, target: models.Target, roles: dict[int, str]) -> bool:
    if user.is_superuser:
        return True
    if target.task_id and target.task.lead_id:
        return roles.get(target.task.lead_id) in ACTING
    return target.directive.issuer_id is not None and roles.get(target.directive.issuer_id) in ACTING


def can_edit_directive(user, directive: models.Directive, roles: dict[int, str]) -> bool:
    """Managers edit the directives their organization issued (metadata; tasks stay in the admin)."""
    return user.is_superuser or (directive.issuer_id is not None and roles.get(directive.issuer_id) == MANAGER)


def can_decide_completion(user, directive: models.Directive, roles: dict[int, str]) -> bool:
    """Managers of the issuing organization verify (accept or return) reports of "done"."""
    return user.is_superuser or (directive.issuer_id is not None and roles.get(directive.issuer_id) == MANAGER)


def can_request_explanation(user, task: models.Task, roles: dict[int, str]) -> bool:
    """Managers of the issuing organization ask the lead body to explain a task."""
    if not task.lead_id:
        return False
    directive = task.directive
    return user.is_superuser or (directive.issuer_id is not None and roles.get(directive.issuer_id) == MANAGER)


def can_answer_explanation(user, explanation: models.Explanation, roles: dict[int, str]) -> bool:
    """Reporters and managers of the body the request is addressed to answer it."""
    return user.is_superuser or roles.get(explanation.addressed_to_id) in ACTING


def can_close_explanation(user, explanation: models.Explanation, roles: dict[int, str]) -> bool:
    """Managers of the asking organization close a request once they have read the answer."""
    return user.is_superuser or (
        explanation.organization_id is not None and roles.get(explanation.organization_id) == MANAGER
    )


def can_pass_down(user, task: models.Task, roles: dict[int, str]) -> bool:
    """Managers of the lead body assign a task on to its child organizations."""
    if not task.lead_id or task.status in (models.Task.Status.DONE, models.Task.Status.CANCELLED):
        return False
    return user.is_superuser or roles.get(task.lead_id) == MANAGER


def can_close_with_open_subtasks(user, task: models.Task, roles: dict[int, str]) -> bool:
    """Managers of the lead body may report a task done while a sub-task is still open."""
    return user.is_superuser or (task.lead_id is not None and roles.get(task.lead_id) == MANAGER)


def can_import(user, roles: dict[int, str] | None = None) -> bool:
    """Staff users and managers of any (active) organization may import directives. `roles`
    (the request's cached `user_roles`) saves the query where a page already has them."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    if roles is None:
        return models.Membership.objects.filter(user=user, role=MANAGER, organization__is_active=True).exists()
    return MANAGER in roles.values()
