"""API views, thin as the web UI's: fetch through a selector scoped to the user (another
organization's object answers 404), ask `directives.permissions` what the user may do (403),
validate with a serializer, call one service (its `ValidationError` becomes a 400)."""

from __future__ import annotations

import copy

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from directives import models, permissions, selectors, services
from directives.api import serializers as s
from directives.filters import TaskFilter


class ApiTaskFilter(TaskFilter):
    """The task list's filters, as in the web UI's URL; the order is the cursor's (by id)."""


def _ids(queryset, name, value: int):  # the type hint tells the schema these are ids
    return queryset


def _code(queryset, name, value: str):
    return queryset


ApiTaskFilter.base_filters.pop("sort", None)
for _name, _method in (("directive", _ids), ("org", _ids), ("issuer", _ids), ("period", _code)):
    _filter = copy.deepcopy(ApiTaskFilter.base_filters[_name])
    _filter.method = _method
    ApiTaskFilter.base_filters[_name] = _filter


class TaskFilterBackend(DjangoFilterBackend):
    """Parses the query with the web UI's FilterSet and hands it to `selectors.task_list`."""

    def filter_queryset(self, request, queryset, view):
        filterset = ApiTaskFilter(request.query_params, request=request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return selectors.task_list(request.user, **filterset.cleaned())

    def get_filterset_class(self, view, queryset=None):
        return ApiTaskFilter


def _query(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _visible_task(request, pk: int) -> models.Task:
    return get_object_or_404(selectors.task_list(request.user), pk=pk)


# -- directives ---------------------------------------------------------------------------------


@extend_schema(tags=["directives"], parameters=[s.DirectiveQuerySerializer])
class DirectiveList(generics.ListAPIView):
    """Directives the user may see (issued by their organizations, or with a task of theirs)."""

    serializer_class = s.DirectiveSerializer

    def get_queryset(self):
        q = _query(s.DirectiveQuerySerializer, self.request)["q"].replace("\x00", "")
        return selectors.directive_list_for(self.request.user, q=q)


@extend_schema(tags=["directives"])
class DirectiveDetail(generics.RetrieveAPIView):
    serializer_class = s.DirectiveSerializer

    def get_queryset(self):
        return selectors.directives_visible_to(self.request.user).select_related("issuer")


# -- tasks -------------------------------------------------------------------------------------


@extend_schema(tags=["tasks"])
class TaskList(generics.ListAPIView):
    """Tasks the user may see, with the web UI's filters (directive, org, role, standing,
    cutoff, period, deadline_after, deadline_before, overdue, issuer, kind, year, q); `standing`
    is computed at `cutoff` (today by default)."""

    serializer_class = s.TaskSerializer
    filter_backends = [TaskFilterBackend]
    filterset_class = ApiTaskFilter

    def get_queryset(self):
        return selectors.tasks_visible_to(self.request.user)  # narrowed by TaskFilterBackend


@extend_schema(tags=["tasks"])
class TaskDetail(generics.RetrieveAPIView):
    serializer_class = s.TaskSerializer

    def get_queryset(self):
        return selectors.task_list(self.request.user)


# -- progress reports --------------------------------------------------------------------------


class TaskReports(generics.ListAPIView):
    serializer_class = s.ProgressReportSerializer

    def get_queryset(self):
        task = _visible_task(self.request, self.kwargs["pk"])
        return task.reports.select_related("organization", "author").prefetch_related("files")

    @extend_schema(tags=["reports"], responses={200: s.ProgressReportSerializer(many=True)})
    def get(self, request, *args, **kwargs):
        """The task's progress reports (append-only; the latest is the task's state)."""
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["reports"],
        request={
            "multipart/form-data": s.ProgressReportCreateSerializer,
            "application/json": s.ProgressReportCreateSerializer,
        },
        responses={201: s.ProgressReportSerializer, 202: s.CompletionClaimSerializer},
    )
    def post(self, request, pk: int):
        """Report progress on the task for the user's organization (its lead, or a supporting
        one for its own contribution), with evidence files (multipart, field `files`). As on the
        task page: a "done" report by the lead body of a directive that requires verification
        becomes a claim waiting for the issuer (202 with the claim), not yet the task's state."""
        task = _visible_task(request, pk)
        organization = permissions.report_organization(request.user, task, selectors.user_roles(request.user))
        if organization is None:
            raise PermissionDenied
        data = request.data
        if hasattr(request.data, "getlist"):  # multipart: every file of the `files` field
            data = {key: request.data.get(key) for key in request.data if key != "files"}
            data["files"] = request.FILES.getlist("files")
        serializer = s.ProgressReportCreateSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        result = services.progress_report_submit(
            task=task, author=request.user, organization=organization, **serializer.validated_data
        )
        if isinstance(result, models.CompletionClaim):  # waits for the issuer's verification
            return Response(s.CompletionClaimSerializer(result).data, status=status.HTTP_202_ACCEPTED)
        report = (
            models.ProgressReport.objects.select_related("organization", "author")
            .prefetch_related("files")
            .get(pk=result.pk)
        )
        return Response(s.ProgressReportSerializer(report).data, status=status.HTTP_201_CREATED)


# -- extension requests ------------------------------------------------------------------------


class TaskExtensions(generics.ListAPIView):
    serializer_class = s.ExtensionRequestSerializer

    def get_queryset(self):
        task = _visible_task(self.request, self.kwargs["pk"])
        return task.extensions.select_related("organization")

    @extend_schema(tags=["extensions"], responses={200: s.ExtensionRequestSerializer(many=True)})
    def get(self, request, *args, **kwargs):
        """The task's extension requests, decided or pending."""
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["extensions"], request=s.ExtensionCreateSerializer, responses={201: s.ExtensionRequestSerializer}
    )
    def post(self, request, pk: int):
        """Ask for a later deadline (reporters and managers of the lead organization)."""
        task = _visible_task(request, pk)
        if not permissions.can_request_extension(request.user, task, selectors.user_roles(request.user)):
            raise PermissionDenied
        serializer = s.ExtensionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        extension = services.extension_request(
            task=task, author=request.user, organization=task.lead, **serializer.validated_data
        )
        return Response(s.ExtensionRequestSerializer(extension).data, status=status.HTTP_201_CREATED)


def _visible_extensions(user):
    visible = selectors.tasks_visible_to(user).values("pk")
    return models.ExtensionRequest.objects.filter(task__in=visible).select_related("organization", "task__directive")


@extend_schema(
    tags=["extensions"],
    parameters=[OpenApiParameter("state", enum=list(models.ExtensionRequest.State.values), required=False)],
)
class ExtensionList(generics.ListAPIView):
    """Extension requests of the tasks the user may see; `?state=pending` for the queue to decide."""

    serializer_class = s.ExtensionRequestSerializer

    def get_queryset(self):
        qs = _visible_extensions(self.request.user)
        state = self.request.query_params.get("state")
        if state:
            if state not in models.ExtensionRequest.State.values:
                raise ValidationError({"state": ["invalid_choice"]}, code="invalid_choice")
            qs = qs.filter(state=state)
        return qs


class ExtensionDecide(APIView):
    @extend_schema(
        tags=["extensions"], request=s.ExtensionDecisionSerializer, responses={200: s.ExtensionRequestSerializer}
    )
    def post(self, request, pk: int):
        """Approve or refuse a pending request (managers of the issuing organization); on
        approval the task's deadline moves."""
        extension = get_object_or_404(_visible_extensions(request.user), pk=pk)
        if not permissions.can_decide_extension(
            request.user, extension.task.directive, selectors.user_roles(request.user)
        ):
            raise PermissionDenied
        serializer = s.ExtensionDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decided = services.extension_decide(
            extension=extension,
            decider=request.user,
            approve=serializer.validated_data["decision"] == "approve",
            note=serializer.validated_data["note"],
        )
        return Response(s.ExtensionRequestSerializer(decided).data)


# -- targets -----------------------------------------------------------------------------------


def _visible_targets(user):
    """Targets of the directives the user may see; a task's target only if the task is visible too
    (as the web UI's target pages)."""
    from django.db.models import Q

    directives = selectors.directives_visible_to(user).values("pk")
    tasks = selectors.tasks_visible_to(user).values("pk")
    return (
        models.Target.objects.filter(directive__in=directives)
        .filter(Q(task__isnull=True) | Q(task__in=tasks))
        .select_related("task", "directive")
        .prefetch_related("snapshots")
    )


@extend_schema(tags=["targets"], parameters=[s.TargetQuerySerializer])
class TargetList(generics.ListAPIView):
    """Quantitative targets ("28 đề án") with their quarterly snapshots."""

    serializer_class = s.TargetSerializer

    def get_queryset(self):
        query = _query(s.TargetQuerySerializer, self.request)
        qs = _visible_targets(self.request.user)
        if query.get("directive"):
            qs = qs.filter(directive_id=query["directive"])
        if query.get("task"):
            qs = qs.filter(task_id=query["task"])
        return qs


@extend_schema(tags=["targets"])
class TargetDetail(generics.RetrieveAPIView):
    serializer_class = s.TargetSerializer

    def get_queryset(self):
        return _visible_targets(self.request.user)


class TargetUpdate(APIView):
    @extend_schema(tags=["targets"], request=s.TargetUpdateSerializer, responses={200: s.TargetSerializer})
    def post(self, request, pk: int):
        """Record the achieved figure (the snapshot of the current quarter)."""
        target = get_object_or_404(_visible_targets(request.user), pk=pk)
        if not permissions.can_update_target(request.user, target, selectors.user_roles(request.user)):
            raise PermissionDenied
        serializer = s.TargetUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.target_update(target=target, author=request.user, **serializer.validated_data)
        return Response(s.TargetSerializer(_visible_targets(request.user).get(pk=pk)).data)


# -- dashboard ---------------------------------------------------------------------------------


def _counts(counts) -> dict:
    rates = counts.rates
    return {
        "by_standing": dict(counts.by_standing),
        "counted": counts.counted,
        "finished": counts.finished,
        "on_time": counts.on_time,
        "late": counts.late,
        "overdue": counts.get("overdue"),
        "completion_rate": rates.completion_rate,
        "on_time_rate": rates.on_time_rate,
    }


class Dashboard(APIView):
    @extend_schema(tags=["dashboard"], parameters=[s.DashboardQuerySerializer], responses={200: s.DashboardSerializer})
    def get(self, request):
        """The dashboard's figures at a cut-off date: counts by standing, completion and on-time
        rates (null when nothing is counted), by directive, organization (lead/support) and
        quarter of deadline, scoped to what the user may see."""
        query = _query(s.DashboardQuerySerializer, request)
        filters = selectors.DashboardFilters(
            cutoff=query.get("cutoff") or timezone.localdate(),
            issuer=query.get("issuer"),
            kind=query.get("kind") or "",
            year=query.get("year"),
        )
        data = selectors.dashboard_data(request.user, filters, target_directives=0)
        body = {
            "cutoff": filters.cutoff,
            "previous_cutoff": data.previous_cutoff,
            "headline": _counts(data.headline),
            "previous": _counts(data.previous),
            "by_directive": [
                {
                    "directive_id": r.directive_id,
                    "number": r.number,
                    "title": r.title,
                    "kind": r.kind,
                    "counts": _counts(r.counts),
                }
                for r in data.by_directive
            ],
            "by_organization": [
                {"organization_id": r.organization_id, "name": r.name, "role": r.role, "counts": _counts(r.counts)}
                for r in data.by_organization
            ],
            "by_quarter": [
                {"period": r.period.code(), "label": r.period.label(), "counts": _counts(r.counts)}
                for r in data.by_quarter
            ],
        }
        return Response(s.DashboardSerializer(body).data)


# -- who am I ----------------------------------------------------------------------------------


class Me(APIView):
    @extend_schema(tags=["account"], responses={200: s.MeSerializer})
    def get(self, request):
        """The signed-in user, the token's scope and expiry, and the organizations and roles."""
        token = request.auth if isinstance(request.auth, models.ApiToken) else None
        memberships = models.Membership.objects.filter(user=request.user, organization__is_active=True).select_related(
            "organization"
        )
        body = {
            "username": request.user.username,
            "full_name": request.user.get_full_name(),
            "scope": token.scope if token else "session",
            "token_expires_at": token.expires_at if token else None,
            "memberships": [{"organization": m.organization, "role": m.role} for m in memberships],
        }
        return Response(s.MeSerializer(body).data)


@extend_schema(exclude=True)
class NotFound(APIView):
    permission_classes: list = []
    authentication_classes: list = []
    throttle_classes: list = []

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise Http404

    get = post = put = patch = delete = head = options = http_method_not_allowed
