"""The Django admin: the clerks' data-entry interface.

Writes that carry a rule go through services (`save_model`, actions); every changelist
selects its related rows in the same query (`list_select_related`) so that list pages
stay fast at 100k tasks.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, FloatField
from django.db.models.functions import Cast, ExtractYear, NullIf
from django.db.models.lookups import Exact, In
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directives import exports, models, selectors, services
from directives.domain.periods import format_date_vi, format_percent_vi
from directives.domain.status import rate
from directives.login import AdminLoginForm


class MembershipInline(admin.TabularInline):
    model = models.Membership
    extra = 0
    autocomplete_fields = ["user"]


class TaskRatesMixin:
    """Changelist columns: tasks (cancelled left out), completion and on-time rates today,
    counted on the changelist query itself (one query, sortable), never per row. The counts
    come from the one standing rule (`selectors.standing_case`); the shown rates from
    `domain.status.rate`; the SQL ratios are only the columns' sort keys."""

    rates_prefix = "tasks__"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        match = getattr(request, "resolver_match", None)
        if not (match and match.url_name and match.url_name.endswith("_changelist")):
            return qs
        today, p = timezone.localdate(), self.rates_prefix
        pk = f"{p}pk"
        qs, standing = selectors.standing_case(qs, today, prefix=p)  # the one rule, at today
        counted = [c for c in selectors.STANDING_CODES if c != "cancelled"]
        finished = ["done_on_time", "done_late"]
        return qs.annotate(
            n_tasks=Count(pk, filter=In(standing, counted)),
            n_finished=Count(pk, filter=In(standing, finished)),
            n_on_time=Count(pk, filter=Exact(standing, "done_on_time")),
        ).annotate(
            completion_rate=Cast("n_finished", FloatField()) * 100 / NullIf(Cast("n_tasks", FloatField()), 0.0),
            on_time_rate=Cast("n_on_time", FloatField()) * 100 / NullIf(Cast("n_finished", FloatField()), 0.0),
        )

    @admin.display(description=_("nhiệm vụ"), ordering="n_tasks")
    def tasks_count(self, obj):
        return getattr(obj, "n_tasks", None)

    @admin.display(description=_("tỷ lệ hoàn thành"), ordering="completion_rate")
    def completion_rate_display(self, obj):
        return format_percent_vi(rate(getattr(obj, "n_finished", 0) or 0, getattr(obj, "n_tasks", 0) or 0))

    @admin.display(description=_("tỷ lệ đúng hạn"), ordering="on_time_rate")
    def on_time_rate_display(self, obj):
        return format_percent_vi(rate(getattr(obj, "n_on_time", 0) or 0, getattr(obj, "n_finished", 0) or 0))


RATE_COLUMNS = ["tasks_count", "completion_rate_display", "on_time_rate_display"]


@admin.register(models.Organization)
class OrganizationAdmin(TaskRatesMixin, admin.ModelAdmin):
    rates_prefix = "led_tasks__"  # as lead (chủ trì)
    list_display = ["name", "short_name", "kind", "system", "parent", "is_active", *RATE_COLUMNS]
    list_filter = ["kind", "system", "is_active", ("proposed_by", admin.EmptyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["proposed_by"]
    inlines = [MembershipInline]
    actions = ["confirm_proposed", "merge_into_oldest"]

    @admin.action(description=_("Xác nhận các cơ quan được đề xuất khi nhập văn bản"))
    def confirm_proposed(self, request, queryset):
        count = services.organization_confirm(organizations=list(queryset), actor=request.user)
        self.message_user(request, _("Đã xác nhận %(n)s cơ quan.") % {"n": count}, messages.SUCCESS)

    @admin.action(description=_("Gộp các cơ quan đã chọn vào cơ quan tạo sớm nhất"))
    def merge_into_oldest(self, request, queryset):
        """Memberships, tasks, supporting links, directives and history move to the oldest one."""
        chosen = list(queryset.order_by("pk"))
        if len(chosen) < 2:
            self.message_user(request, _("Chọn ít nhất hai cơ quan để gộp."), messages.WARNING)
            return
        keep = chosen[0]
        try:
            count = services.organization_merge(keep=keep, merged=chosen[1:], actor=request.user)
        except ValidationError as error:
            self.message_user(request, "; ".join(error.messages), messages.ERROR)
            return
        self.message_user(
            request, _("Đã gộp %(n)s cơ quan vào “%(keep)s”.") % {"n": count, "keep": keep.name}, messages.SUCCESS
        )


@admin.register(models.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role"]
    list_filter = ["role"]
    list_select_related = ["user", "organization"]
    search_fields = ["user__username", "user__email", "organization__name"]
    autocomplete_fields = ["user", "organization"]


@admin.register(models.UserPreference)
class UserPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email_reminders", "support_digests"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    autocomplete_fields = ["user"]


class IssuedYearFilter(admin.SimpleListFilter):
    title = _("năm ban hành")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = (
            models.Directive.objects.exclude(issued_on=None)
            .annotate(y=ExtractYear("issued_on"))
            .values_list("y", flat=True)
            .distinct()
            .order_by("-y")
        )
        return [(str(y), str(y)) for y in years]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(issued_on__year=int(value))
        return queryset


class HistoryGuardMixin:
    """Deleting a directive or task that has a history is refused, with the reason, on the admin's
    own confirmation page (single and bulk delete): the tasks are listed as protected."""

    def history_tasks(self, objs):
        raise NotImplementedError

    def get_deleted_objects(self, objs, request):
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        kept = list(models.tasks_with_history(self.history_tasks(objs)).only("pk", "path").order_by("position")[:11])
        if kept:  # the reason, instead of "you may not delete progress reports"
            return deleted, model_count, set(), [models.history_message(kept), *protected]
        return deleted, model_count, perms_needed, protected

    def delete_model(self, request, obj):
        self.delete_service(obj, request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_service(obj, request.user)


class TaskInlineFormSet(BaseInlineFormSet):
    """A task with a history is never deleted from the directive page: the formset says why."""

    def clean(self):
        super().clean()
        doomed = [f.instance.pk for f in self.deleted_forms if f.instance.pk]
        if doomed:
            kept = list(
                models.tasks_with_history(models.Task.objects.filter(pk__in=models.task_subtree_ids(doomed)))
                .only("pk", "path")
                .order_by("position")[:11]
            )
            if kept:
                raise ValidationError(models.history_message(kept))


class TaskInline(admin.TabularInline):
    model = models.Task
    formset = TaskInlineFormSet
    extra = 0
    fields = [
        "path",
        "position",
        "text",
        "lead",
        "supporters",
        "deadline",
        "deadline_period",
        "status",
        "progress",
        "retired_on",
    ]
    readonly_fields = ["retired_on"]  # set by an update of the directive's text, never by hand
    autocomplete_fields = ["lead", "supporters"]
    ordering = ["position", "id"]
    show_change_link = True


class TargetInlineFormSet(BaseInlineFormSet):
    """A target with quarterly snapshots is history: not deleted from the directive page."""

    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            if form.instance.pk and form.instance.snapshots.exists():
                raise ValidationError(
                    _("Không xóa được chỉ tiêu “%(label)s”: đã có số liệu theo quý (lịch sử).")
                    % {"label": form.instance.label[:80]}
                )


class TargetInline(admin.TabularInline):
    model = models.Target
    formset = TargetInlineFormSet
    extra = 0
    fields = ["label", "unit", "total", "achieved", "period", "task"]
    raw_id_fields = ["task"]


class CitationInline(admin.TabularInline):
    model = models.Citation
    extra = 0
    fk_name = "directive"
    fields = ["number", "kind", "date", "cited_directive"]
    raw_id_fields = ["cited_directive"]


class AttachmentInline(admin.TabularInline):
    model = models.DirectiveAttachment
    extra = 0


@admin.register(models.Directive)
class DirectiveAdmin(HistoryGuardMixin, TaskRatesMixin, admin.ModelAdmin):
    list_display = ["number", "kind", "short_title", "issuer", "issued_on", "status", *RATE_COLUMNS]
    list_filter = ["kind", "status", ("issuer", admin.RelatedOnlyFieldListFilter), IssuedYearFilter]
    list_select_related = ["issuer"]
    search_fields = ["number", "title"]
    autocomplete_fields = ["issuer"]
    date_hierarchy = "issued_on"
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [TaskInline, TargetInline, CitationInline, AttachmentInline]
    fieldsets = [
        (None, {"fields": ["kind", "number", "title", "issuer", "status", "verification"]}),
        (_("Ngày tháng"), {"fields": ["meeting_date", "issued_on", "signer", "period"]}),
        (_("Văn bản gốc"), {"classes": ["collapse"], "fields": ["source_text"]}),
        (_("Lịch sử"), {"classes": ["collapse"], "fields": ["created_by", "created_at", "updated_at"]}),
    ]

    @admin.display(description=_("trích yếu"), ordering="title")
    def short_title(self, obj):
        return obj.title[:90]

    def history_tasks(self, objs):
        return models.Task.objects.filter(directive__in=[o.pk for o in objs])

    def delete_service(self, obj, user):
        services.directive_delete(directive=obj, actor=user)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Figures and targets above the inlines (templates/admin/directives/directive/change_form.html)."""
        extra_context = extra_context or {}
        directive = self.get_object(request, object_id)
        if directive is not None:
            today = timezone.localdate()
            figures = selectors.directive_figures(request.user, directive, cutoff=today)
            c = figures.counts
            extra_context["figures"] = {
                "cutoff": format_date_vi(today),
                "counted": c.counted,
                "finished": c.finished,
                "on_time": c.on_time,
                "overdue": c.overdue,
                "completion": format_percent_vi(c.completion_rate),
                "on_time_rate": format_percent_vi(c.on_time_rate),
                "standings": [(label, c.get(code)) for code, label in selectors.STANDING_CHOICES],
                "targets": [
                    (t.label, exports.target_text(t.achieved, t.total, t.unit, t.percent)) for t in figures.targets
                ],
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        """Through `services.directive_update`: an edit of the metadata is in the tasks' timeline."""
        if not change:
            obj.created_by = request.user
        services.directive_update(directive=obj, actor=request.user, changed_fields=form.changed_data if change else [])

    def save_formset(self, request, form, formset, change):
        """Tasks edited inline go through `services.task_save`, so the edit is in their timeline;
        targets through `save_target` (a changed achieved value is a quarterly snapshot)."""
        if formset.model is models.Target:
            targets = formset.save(commit=False)
            for target in formset.deleted_objects:
                services.target_delete(target=target)
            changed = {id(f.instance): f.changed_data for f in formset.forms}
            for target in targets:
                save_target(request, target, changed.get(id(target), []))
            formset.save_m2m()
            return
        if formset.model is not models.Task:
            return super().save_formset(request, form, formset, change)
        tasks = formset.save(commit=False)
        for task in formset.deleted_objects:  # TaskInlineFormSet refused any with a history
            services.task_delete(task=task, actor=request.user)
        changed = {id(f.instance): f.changed_data for f in formset.forms}
        for task in tasks:
            created = task.pk is None
            services.task_save(task=task, actor=request.user, changed_fields=None if created else changed[id(task)])
        formset.save_m2m()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for warning in selectors.directive_warnings(directive=form.instance):
            self.message_user(request, warning, messages.WARNING)


class HistoryInline(admin.TabularInline):
    """A task's history on its admin page: shown, never added to, changed or deleted there."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ProgressReportInline(HistoryInline):
    model = models.ProgressReport
    fields = ["created_at", "author", "organization", "status", "percent", "completed_on", "note"]
    readonly_fields = fields
    ordering = ["-created_at"]


class ExtensionInline(HistoryInline):
    model = models.ExtensionRequest
    fields = [
        "created_at",
        "requested_by",
        "organization",
        "previous_deadline",
        "requested_deadline",
        "reason",
        "state",
        "decided_by",
        "decided_at",
        "decision_note",
    ]
    readonly_fields = fields


class TaskEventInline(HistoryInline):
    model = models.TaskEvent
    fields = ["created_at", "kind", "actor", "summary"]
    readonly_fields = fields


@admin.register(models.Task)
class TaskAdmin(HistoryGuardMixin, admin.ModelAdmin):
    list_display = ["path", "short_text", "directive", "lead", "deadline", "status", "progress", "retired_on"]
    list_filter = ["status", "directive__kind", ("retired_on", admin.EmptyFieldListFilter)]
    list_select_related = ["directive", "directive__issuer", "lead"]
    search_fields = ["path", "text", "directive__number"]
    autocomplete_fields = ["directive", "parent", "lead", "supporters"]
    readonly_fields = ["created_at", "updated_at", "series", "occurrence_period", "assigned_by"]
    inlines = [ProgressReportInline, ExtensionInline, TaskEventInline]
    show_full_result_count = False  # no COUNT(*) over 100k rows on every page
    list_per_page = 50

    @admin.display(description=_("nội dung"))
    def short_text(self, obj):
        return obj.text[:90]

    def save_model(self, request, obj, form, change):
        services.task_save(task=obj, actor=request.user, changed_fields=form.changed_data if change else None)

    def history_tasks(self, objs):
        return models.Task.objects.filter(pk__in=models.task_subtree_ids([o.pk for o in objs]))

    def delete_service(self, obj, user):
        if models.Task.objects.filter(pk=obj.pk).exists():  # a parent deleted earlier took it along
            services.task_delete(task=obj, actor=user)


def save_target(request, target: models.Target, changed: list[str]) -> None:
    """Save a target edited in the admin; a new achieved value goes through `services.target_update`
    (this quarter's snapshot and a timeline entry), as on the task page."""
    achieved = target.achieved
    if target.pk is None:
        target.achieved = 0
        services.target_save(target=target)
        changed = ["achieved"] if achieved else []
    elif changed and set(changed) != {"achieved"}:
        target.achieved = models.Target.objects.values_list("achieved", flat=True).get(pk=target.pk)
        services.target_save(target=target)
    if "achieved" in changed:
        note = str(_("Sửa trong trang quản trị"))
        services.target_update(target=target, achieved=achieved, author=request.user, note=note)


@admin.register(models.Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["label", "directive", "achieved", "total", "unit", "period"]
    list_select_related = ["directive", "directive__issuer"]
    search_fields = ["label", "directive__number"]
    raw_id_fields = ["directive", "task"]

    def save_model(self, request, obj, form, change):
        save_target(request, obj, form.changed_data if change else [])
        if obj.exceeds_total:
            self.message_user(
                request,
                _("Lưu ý: số đã đạt (%(a)s) vượt chỉ tiêu (%(t)s).") % {"a": obj.achieved, "t": obj.total},
                messages.WARNING,
            )


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the application (reports, decisions, the outbox, logs): read here only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.TargetSnapshot)
class TargetSnapshotAdmin(ReadOnlyAdmin):
    """A quarter's figure is history: recorded by `services.target_update`, never edited."""

    list_display = ["target", "year", "quarter", "achieved", "total", "recorded_at"]
    list_select_related = ["target"]
    raw_id_fields = ["target"]


@admin.register(models.ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ["task", "organization", "author", "status", "percent", "created_at"]
    list_filter = ["status"]
    list_select_related = ["task", "organization", "author"]
    search_fields = ["task__path", "note"]
    raw_id_fields = ["task"]


@admin.register(models.ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyAdmin):
    list_display = ["task", "organization", "previous_deadline", "requested_deadline", "state", "created_at"]
    list_filter = ["state"]
    list_select_related = ["task", "organization"]
    raw_id_fields = ["task"]


@admin.register(models.CompletionClaim)
class CompletionClaimAdmin(ReadOnlyAdmin):
    list_display = ["task", "organization", "completed_on", "state", "created_at", "decided_by"]
    list_filter = ["state"]
    list_select_related = ["task", "organization", "decided_by"]
    raw_id_fields = ["task"]


@admin.register(models.Explanation)
class ExplanationAdmin(ReadOnlyAdmin):
    list_display = ["task", "organization", "addressed_to", "due_on", "state", "created_at"]
    list_filter = ["state"]
    list_select_related = ["task", "organization", "addressed_to"]
    raw_id_fields = ["task"]


@admin.register(models.ReminderPolicy)
class ReminderPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "days_before", "overdue_every_days", "escalate_after_days", "enabled"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]


@admin.register(models.Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["task", "kind", "recipient", "planned_for", "state", "attempts", "sent_at", "expires_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["task"]
    search_fields = ["recipient", "task__path"]
    raw_id_fields = ["task"]
    actions = ["retry_failed"]

    @admin.action(description=_("Gửi lại các thông báo gửi lỗi hoặc hết hạn đã chọn"), permissions=["view"])
    def retry_failed(self, request, queryset):
        count = services.notification_retry(notification_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, _("Đã đưa %(n)s thông báo trở lại hàng đợi gửi.") % {"n": count}, messages.SUCCESS)


@admin.register(models.SweepRun)
class SweepRunAdmin(ReadOnlyAdmin):
    list_display = [
        "for_date",
        "trigger",
        "started_at",
        "finished_at",
        "planned",
        "sent",
        "retried",
        "failed",
        "expired",
    ]


# Import of a directive's text: a "Nhập từ văn bản" button on the directive changelist,
# leading to the review flow (views/imports.py).
DirectiveAdmin.change_list_template = "directives/import_admin_changelist.html"


@admin.register(models.AccessEvent)
class AccessEventAdmin(ReadOnlyAdmin):
    """Sign-ins and denied accesses: superusers only."""

    list_display = ["created_at", "kind", "username", "organizations", "ip_address", "path", "status_code"]
    list_filter = ["kind"]
    search_fields = ["username", "ip_address", "path"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_module_permission(self, request):
        return request.user.is_superuser


# The admin's sign-in: the same bounds as the site's (a name of any length, failures per address).
admin.site.login_form = AdminLoginForm
