"""The domain model of the directive tracker.

Models hold data and constraints only. Every write that carries a business rule goes
through `services.py`; reads that are more than a `get` live in `selectors.py`.
Periods are stored as codes ("2021Q4", "2021H2", "2022-06", "2023"); see
`directives.domain.periods.Period`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, validate_email
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from directives.domain import bodies, dates
from directives.domain.periods import Period
from directives.domain.status import DUE_SOON_DAYS, Standing, TaskState, standing_of
from directives.domain.text import fold_text

# The choices of Organization.due_soon_days (a fixed set, so that SQL can test each without a lookup).
DUE_SOON_CHOICES = (3, 5, 7, 10, 14, 15, 30)


def validate_period_code(value: str) -> None:
    if not value:
        return
    try:
        Period.from_code(value)
    except ValueError:
        raise ValidationError(
            _("“%(value)s” không phải kỳ hợp lệ (ví dụ: 2021Q4, 2021H2, 2022-06, 2023)."),
            params={"value": value},
            code="invalid_period",
        ) from None


def validate_sane_date(value: date | None) -> None:
    """Dates typed by people (deadlines, extensions, issue dates) lie within 1945–2100."""
    if not dates.within_bounds(value):
        raise ValidationError(
            _("Ngày %(value)s nằm ngoài khoảng cho phép (%(first)s – %(last)s)."),
            params={
                "value": value.strftime("%d/%m/%Y") if value.year >= 1000 else value.isoformat(),
                "first": dates.EARLIEST.strftime("%d/%m/%Y"),
                "last": dates.LATEST.strftime("%d/%m/%Y"),
            },
            code="date_out_of_range",
        )


def validate_not_future(value: date | None) -> None:
    """A completion date is not after today (Asia/Ho_Chi_Minh)."""
    from django.utils import timezone

    if not dates.not_in_future(value, timezone.localdate()):
        raise ValidationError(
            _("Ngày hoàn thành %(value)s ở sau hôm nay."),
            params={"value": value.strftime("%d/%m/%Y")},
            code="date_in_future",
        )


def _date_errors(**fields) -> dict:
    """{field: [message]} for the given dates out of bounds (model `clean` methods)."""
    errors = {}
    for name, value in fields.items():
        try:
            validate_sane_date(value)
        except ValidationError as error:
            errors[name] = error.messages
    return errors


def validate_email_list(value: str) -> None:
    for email in split_emails(value):
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(
                _("“%(email)s” không phải địa chỉ email hợp lệ."), params={"email": email}, code="invalid_email"
            ) from None


def split_emails(value: str) -> list[str]:
    return [part.strip() for part in (value or "").replace(";", ",").replace("\n", ",").split(",") if part.strip()]


class Searchable(models.Model):
    """A `search_text` column: the `search_sources` fields folded (lowercase, no diacritics) on
    every save, so that lists search with a plain LIKE. A search index, not data."""

    search_sources: tuple[str, ...] = ()
    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.search_text = fold_text(" ".join(str(getattr(self, name)) for name in self.search_sources))
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(self.search_sources) & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        abstract = True


class Organization(TimeStamped):
    class Kind(models.TextChoices):
        CENTRAL = "central", _("Trung ương")
        MINISTRY = "ministry", _("Bộ, ngành")
        PROVINCIAL = "provincial", _("Tỉnh, thành phố")
        DISTRICT = "district", _("Huyện, xã")
        OTHER = "other", _("Khác")

    class System(models.TextChoices):
        """The body's system; it decides the form of its reports (`exports.documents`)."""

        PARTY = bodies.PARTY, _("Đảng")
        STATE = bodies.STATE, _("Nhà nước (chính quyền)")
        MASS = bodies.MASS, _("Mặt trận, đoàn thể")

    name = models.CharField(_("tên"), max_length=255, unique=True)
    short_name = models.CharField(_("tên viết tắt"), max_length=64, blank=True)
    kind = models.CharField(_("cấp"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    system = models.CharField(
        _("hệ thống"),
        max_length=8,
        choices=System.choices,
        default=System.PARTY,
        help_text=_(
            "Quyết định thể thức báo cáo: cơ quan Đảng theo Hướng dẫn 36-HD/VPTW (“ĐẢNG CỘNG SẢN VIỆT NAM”); "
            "cơ quan nhà nước, Mặt trận và đoàn thể theo Nghị định 30/2020/NĐ-CP (Quốc hiệu và Tiêu ngữ)."
        ),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    contact_emails = models.TextField(
        _("email liên hệ"), blank=True, validators=[validate_email_list], help_text=_("Cách nhau bởi dấu phẩy.")
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đề xuất"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Cơ quan do người nhập văn bản đề xuất; chờ cán bộ quản trị xác nhận (chưa hoạt động)."),
    )
    requires_verification = models.BooleanField(
        _("thẩm định báo cáo hoàn thành"),
        default=False,
        help_text=_(
            "Báo cáo “hoàn thành” nhiệm vụ của các văn bản do cơ quan ban hành chỉ được tính khi "
            "cán bộ quản lý của cơ quan xác nhận."
        ),
    )
    due_soon_days = models.PositiveSmallIntegerField(
        _("sắp đến hạn trong (ngày)"),
        choices=[(n, str(n)) for n in DUE_SOON_CHOICES],
        default=DUE_SOON_DAYS,
        help_text=_("Nhiệm vụ do cơ quan này giao, chưa hoàn thành và còn số ngày này đến hạn là “sắp đến hạn”."),
    )
    wants_support_digest = models.BooleanField(
        _("nhận bản tin phối hợp"),
        default=False,
        help_text=_("Nhận bản tin “để biết” về các nhiệm vụ đơn vị phối hợp thực hiện."),
    )

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = pgettext_lazy("plural", "cơ quan, đơn vị")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def emails(self) -> list[str]:
        return split_emails(self.contact_emails)

    def clean(self) -> None:
        ancestor = self.parent
        seen = {self.pk}
        while ancestor is not None:
            if ancestor.pk in seen:
                raise ValidationError({"parent": _("Cơ quan cấp trên tạo thành vòng lặp.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent


class Membership(TimeStamped):
    class Role(models.TextChoices):
        VIEWER = "viewer", _("Xem")
        REPORTER = "reporter", _("Báo cáo")
        MANAGER = "manager", _("Quản lý")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        verbose_name = _("thành viên")
        verbose_name_plural = pgettext_lazy("plural", "thành viên")
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="membership_unique_user_org")]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} · {self.get_role_display()}"


class UserPreference(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference")
    email_reminders = models.BooleanField(_("nhận email đôn đốc"), default=True)
    support_digests = models.BooleanField(_("nhận bản tin nhiệm vụ phối hợp"), default=False)

    class EventMail(models.TextChoices):
        IMMEDIATE = "immediate", _("Gửi ngay khi có việc")
        DIGEST = "digest", _("Gộp vào bản tin hằng ngày")

    event_mail = models.CharField(
        _("email về đề nghị, thẩm định, giải trình"),
        max_length=10,
        choices=EventMail.choices,
        default=EventMail.IMMEDIATE,
    )

    class Meta:
        verbose_name = _("tùy chọn người dùng")
        verbose_name_plural = pgettext_lazy("plural", "tùy chọn người dùng")

    def __str__(self) -> str:
        return str(self.user)


class Directive(Searchable, TimeStamped):
    class Kind(models.TextChoices):
        THONG_BAO = "thong_bao", _("Thông báo")
        KET_LUAN = "ket_luan", _("Kết luận")
        NGHI_QUYET = "nghi_quyet", _("Nghị quyết")
        CHI_THI = "chi_thi", _("Chỉ thị")
        KE_HOACH = "ke_hoach", _("Kế hoạch")
        CONG_VAN = "cong_van", _("Công văn")
        QUY_DINH = "quy_dinh", _("Quy định")
        HUONG_DAN = "huong_dan", _("Hướng dẫn")
        QUYET_DINH = "quyet_dinh", _("Quyết định")
        CONG_DIEN = "cong_dien", _("Công điện")
        OTHER = "other", _("Khác")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        ACTIVE = "active", _("Đang theo dõi")
        CLOSED = "closed", _("Đã kết thúc")

    search_sources = ("number", "title")
    kind = models.CharField(_("loại văn bản"), max_length=16, choices=Kind.choices, default=Kind.THONG_BAO)
    number = models.CharField(_("số hiệu"), max_length=64, blank=True, db_index=True)
    title = models.TextField(_("trích yếu"))
    issuer = models.ForeignKey(
        Organization,
        verbose_name=_("cơ quan ban hành"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_directives",
    )
    meeting_date = models.DateField(_("ngày họp"), null=True, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True, db_index=True)
    signer = models.CharField(_("người ký"), max_length=255, blank=True)
    source_text = models.TextField(_("văn bản gốc"), blank=True)
    period = models.CharField(
        _("kỳ thực hiện"),
        max_length=8,
        blank=True,
        validators=[validate_period_code],
        help_text=_("Ví dụ: 2021Q4 (Quý IV/2021), 2021H2 (6 tháng cuối năm), 2023 (cả năm)."),
    )
    status = models.CharField(
        _("trạng thái"), max_length=8, choices=Status.choices, default=Status.DRAFT, db_index=True
    )

    class Verification(models.TextChoices):
        INHERIT = "", _("Theo cơ quan ban hành")
        REQUIRED = "required", _("Cần thẩm định")
        NOT_REQUIRED = "not_required", _("Không cần thẩm định")

    implements = models.ForeignKey(
        "Task",
        verbose_name=_("triển khai nhiệm vụ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="implementing_plans",
        help_text=_(
            "Nhiệm vụ của cấp trên mà kế hoạch này triển khai thực hiện; tiến độ được tổng hợp lên nhiệm vụ đó."
        ),
    )
    verification = models.CharField(
        _("thẩm định báo cáo hoàn thành"),
        max_length=16,
        blank=True,
        choices=Verification.choices,
        default=Verification.INHERIT,
        help_text=_("Báo cáo “hoàn thành” chỉ được tính khi cán bộ quản lý của cơ quan ban hành xác nhận."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("văn bản chỉ đạo")
        verbose_name_plural = pgettext_lazy("plural", "văn bản chỉ đạo")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["number", "issuer"], condition=~Q(number=""), name="directive_unique_number_per_issuer"
            )
        ]

    def __str__(self) -> str:
        label = self.get_kind_display()
        return f"{label} {self.number}".strip() if self.number else f"{label}: {self.title[:60]}"

    @property
    def period_obj(self) -> Period | None:
        return Period.from_code(self.period) if self.period else None

    def clean(self) -> None:
        errors = _date_errors(meeting_date=self.meeting_date, issued_on=self.issued_on)
        if errors:
            raise ValidationError(errors)

    def delete(self, *args, **kwargs):
        """Refused when one of its tasks has a history (see `tasks_with_history`)."""
        refuse_deleting_history(Task.objects.filter(directive_id=self.pk))
        return super().delete(*args, **kwargs)

    @property
    def requires_verification(self) -> bool:
        """Whether a "done" report waits for the issuer's acceptance: the directive's own
        setting, else its issuer's."""
        if self.verification:
            return self.verification == self.Verification.REQUIRED
        return bool(self.issuer_id and self.issuer.requires_verification)


def attachment_path(instance: DirectiveAttachment, filename: str) -> str:
    return f"attachments/{instance.directive_id}/{filename}"


class DirectiveAttachment(models.Model):
    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("tệp"), upload_to=attachment_path)
    name = models.CharField(_("tên tệp"), max_length=255)
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = pgettext_lazy("plural", "tệp đính kèm")

    def __str__(self) -> str:
        return self.name


class Citation(models.Model):
    """A document that a directive cites ("Quy định số 24-QĐ/TW, ngày 30/7/2021")."""

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="citations")
    number = models.CharField(_("số hiệu"), max_length=64)
    kind = models.CharField(_("loại văn bản"), max_length=64, blank=True)
    date = models.DateField(_("ngày"), null=True, blank=True)
    cited_directive = models.ForeignKey(
        Directive,
        verbose_name=_("văn bản đã lưu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cited_by",
    )

    class Meta:
        verbose_name = _("văn bản được dẫn")
        verbose_name_plural = pgettext_lazy("plural", "văn bản được dẫn")
        constraints = [models.UniqueConstraint(fields=["directive", "number"], name="citation_unique_per_directive")]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}".strip()


class Task(Searchable, TimeStamped):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Chưa thực hiện")
        IN_PROGRESS = "in_progress", _("Đang thực hiện")
        DONE = "done", _("Hoàn thành")
        CANCELLED = "cancelled", _("Tạm dừng / Hủy")

    search_sources = ("path", "text")
    directive = models.ForeignKey(Directive, verbose_name=_("văn bản"), on_delete=models.CASCADE, related_name="tasks")
    parent = models.ForeignKey(
        "self", verbose_name=_("nhiệm vụ cha"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    path = models.CharField(_("số thứ tự"), max_length=64, help_text=_("Ví dụ: II.1.(2)"))
    position = models.PositiveIntegerField(_("vị trí"), default=0)
    text = models.TextField(_("nội dung"))
    lead = models.ForeignKey(
        Organization,
        verbose_name=_("cơ quan chủ trì"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_tasks",
    )
    supporters = models.ManyToManyField(
        Organization, verbose_name=_("cơ quan phối hợp"), blank=True, related_name="supported_tasks"
    )
    deadline = models.DateField(_("thời hạn"), null=True, blank=True)
    deadline_period = models.CharField(
        _("kỳ của thời hạn"),
        max_length=8,
        blank=True,
        validators=[validate_period_code],
        help_text=_("Khi thời hạn là một kỳ, ví dụ 2021Q4 cho “Quý IV/2021”."),
    )
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(
        _("tiến độ (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    added_on = models.DateField(
        _("bổ sung ngày"),
        null=True,
        blank=True,
        help_text=_("Để trống: nhiệm vụ có từ ngày ban hành văn bản. Có ngày: bổ sung khi cập nhật văn bản."),
    )
    retired_on = models.DateField(
        _("thôi theo dõi từ ngày"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Nhiệm vụ không còn trong văn bản (đã cập nhật); lịch sử được giữ, không tính vào tỷ lệ."),
    )
    recurrence = models.CharField(
        _("định kỳ"),
        max_length=12,
        blank=True,
        choices=[
            ("", _("Không định kỳ")),
            ("monthly", _("Hằng tháng")),
            ("quarterly", _("Hằng quý")),
            ("half_yearly", _("6 tháng")),
            ("yearly", _("Hằng năm")),
        ],
        help_text=_("Nhiệm vụ định kỳ: mỗi kỳ là một nhiệm vụ riêng, được tạo trước khi đến hạn."),
    )
    recurrence_day = models.PositiveSmallIntegerField(
        _("ngày đến hạn trong tháng"),
        default=0,
        validators=[MaxValueValidator(31)],
        help_text=_("Ví dụ 15 cho “trước ngày 15”; 0 là ngày cuối tháng."),
    )
    recurrence_month = models.PositiveSmallIntegerField(
        _("tháng đến hạn trong kỳ"),
        default=0,
        validators=[MaxValueValidator(12)],
        help_text=_("Tháng thứ mấy của kỳ (3 = tháng cuối quý, 12 = tháng 12 hằng năm); 0 là tháng cuối kỳ."),
    )
    recurrence_until = models.DateField(_("định kỳ đến ngày"), null=True, blank=True)
    series = models.ForeignKey(
        "self",
        verbose_name=_("nhiệm vụ định kỳ gốc"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="occurrences",
    )
    occurrence_period = models.CharField(_("kỳ"), max_length=8, blank=True, validators=[validate_period_code])
    assigned_by = models.ForeignKey(
        Organization,
        verbose_name=_("cơ quan giao"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Nhiệm vụ do cơ quan cấp trên (chủ trì nhiệm vụ cha) giao cho cấp dưới."),
    )
    completion_deadline = models.DateField(
        _("thời hạn khi hoàn thành"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Thời hạn có hiệu lực vào ngày hoàn thành (gia hạn duyệt sau ngày đó không tính)."),
    )

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = pgettext_lazy("plural", "nhiệm vụ")
        ordering = ["directive_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["directive", "path"], name="task_unique_path_per_directive"),
            models.UniqueConstraint(
                fields=["series", "occurrence_period"],
                condition=Q(series__isnull=False),
                name="task_unique_occurrence_per_period",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="task_progress_at_most_100"),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False), name="task_done_has_completion_date"
            ),
        ]
        indexes = [
            # Overdue lists and the reminder sweep: open tasks by deadline.
            models.Index(fields=["status", "deadline"], name="task_status_deadline_idx"),
            # "Việc của đơn vị" and the per-organization dashboard rows.
            models.Index(fields=["lead", "status", "deadline"], name="task_lead_status_deadline_idx"),
            # The dashboard's overdue list (selectors.dashboard_data, "the overdue list") and the task
            # list's default order (selectors.task_list, sort=deadline): ORDER BY deadline, directive,
            # position, id LIMIT 50 walks this index instead of sorting every task.
            models.Index(fields=["deadline", "directive", "position", "id"], name="task_deadline_order_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.path} {self.text[:60]}"

    @property
    def recurrence_rule(self):
        """The `domain.recurrence.RecurrenceRule` of a recurring task, else None."""
        from directives.domain.recurrence import RecurrenceRule

        if not self.recurrence:
            return None
        return RecurrenceRule(self.recurrence, self.recurrence_day, self.recurrence_month)

    @property
    def deadline_period_obj(self) -> Period | None:
        return Period.from_code(self.deadline_period) if self.deadline_period else None

    @property
    def state(self) -> TaskState:
        """The task's current state, as the standing rule reads it."""
        return TaskState(
            status=self.status,
            progress=self.progress,
            completed_on=self.completed_on,
            deadline=self.deadline,
            completion_deadline=self.completion_deadline,
        )

    def delete(self, *args, **kwargs):
        """Refused when this task or one of its subtasks has a history (see `tasks_with_history`)."""
        refuse_deleting_history(Task.objects.filter(pk__in=task_subtree_ids([self.pk])))
        return super().delete(*args, **kwargs)

    def standing(self, cutoff: date) -> Standing:
        """The standing at `cutoff` of the task's *current* state (for its state at a past
        date, with its history, use `selectors.standing`)."""
        return standing_of(self.state, cutoff)

    def clean(self) -> None:
        errors = _date_errors(deadline=self.deadline, completed_on=self.completed_on)
        if "completed_on" not in errors:
            try:
                validate_not_future(self.completed_on)
            except ValidationError as error:
                errors["completed_on"] = error.messages
        if self.status == self.Status.DONE and not self.completed_on:
            errors["completed_on"] = _("Nhiệm vụ đã hoàn thành cần có ngày hoàn thành.")
        if self.parent_id and self.parent.directive_id != self.directive_id:
            errors["parent"] = _("Nhiệm vụ cha phải thuộc cùng văn bản.")
        if self.recurrence:
            if not self.deadline:
                errors["deadline"] = _("Nhiệm vụ định kỳ cần thời hạn của lần đầu tiên.")
            try:
                self.recurrence_rule  # noqa: B018 - validates day and month
            except ValueError:
                errors["recurrence_month"] = _("Tháng đến hạn vượt quá số tháng của kỳ.")
        if errors:
            raise ValidationError(errors)


class TaskChange(models.Model):
    """The state a task had until `made_at`, when a progress report of its lead, an approved
    extension, an edit in the admin or an update of its directive from a new text changed it
    (`cause`): the task's history, as the standing at a past date reads it.

    A task's changes form a chain (`previous_at` = the `made_at` of the change before it, NULL for
    the first), so that "the first change made after the day C" is one indexed condition:
    `made_at >= C+1 00:00 AND (previous_at < C+1 00:00 OR previous_at IS NULL)`. Written by the
    services only (`services.core.task_change_record`), never edited.
    """

    class Cause(models.TextChoices):
        REPORT = "report", _("Báo cáo tiến độ")
        EXTENSION = "extension", _("Gia hạn")
        EDIT = "edit", _("Chỉnh sửa")
        IMPORT = "import", _("Cập nhật theo văn bản mới")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="changes")
    made_at = models.DateTimeField(_("thời gian"))
    previous_at = models.DateTimeField(null=True, blank=True)
    cause = models.CharField(_("lý do"), max_length=16, choices=Cause.choices)
    status = models.CharField(_("trạng thái trước"), max_length=16, choices=Task.Status.choices)
    progress = models.PositiveSmallIntegerField(_("tiến độ trước (%)"), default=0)
    completed_on = models.DateField(_("ngày hoàn thành trước"), null=True, blank=True)
    deadline = models.DateField(_("thời hạn trước"), null=True, blank=True)
    completion_deadline = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("thay đổi của nhiệm vụ")
        verbose_name_plural = pgettext_lazy("plural", "thay đổi của nhiệm vụ")
        ordering = ["task_id", "made_at"]
        constraints = [models.UniqueConstraint(fields=["task", "made_at"], name="taskchange_unique_task_made_at")]
        indexes = [
            # The figures at a past cut-off: the changes made after it (selectors.standing).
            models.Index(fields=["made_at", "previous_at"], name="taskchange_made_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task_id} · {self.made_at:%d/%m/%Y %H:%M}"

    @property
    def before(self) -> TaskState:
        return TaskState(
            status=self.status,
            progress=self.progress,
            completed_on=self.completed_on,
            deadline=self.deadline,
            completion_deadline=self.completion_deadline,
        )


class Target(TimeStamped):
    """A quantitative goal ("28 đề án"); snapshots keep its value at each quarter end."""

    directive = models.ForeignKey(
        Directive, verbose_name=_("văn bản"), on_delete=models.CASCADE, related_name="targets"
    )
    task = models.ForeignKey(
        Task, verbose_name=_("nhiệm vụ"), null=True, blank=True, on_delete=models.SET_NULL, related_name="targets"
    )
    label = models.CharField(_("chỉ tiêu"), max_length=500)
    unit = models.CharField(_("đơn vị tính"), max_length=64, blank=True)
    total = models.DecimalField(
        _("chỉ tiêu (tổng)"), max_digits=16, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    achieved = models.DecimalField(
        _("đã đạt"), max_digits=16, decimal_places=2, default=0, validators=[MinValueValidator(Decimal(0))]
    )
    period = models.CharField(_("kỳ"), max_length=8, blank=True, validators=[validate_period_code])

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = pgettext_lazy("plural", "chỉ tiêu")
        ordering = ["directive_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="target_total_not_negative"),
            models.CheckConstraint(condition=Q(achieved__gte=0), name="target_achieved_not_negative"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def percent(self) -> float | None:
        if not self.total:
            return None
        return float(self.achieved) * 100 / float(self.total)

    @property
    def exceeds_total(self) -> bool:
        return self.total is not None and self.achieved is not None and self.achieved > self.total


class TargetSnapshot(models.Model):
    """A target's value at the end of one quarter; later updates never change it."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="snapshots")
    year = models.PositiveSmallIntegerField(_("năm"))
    quarter = models.PositiveSmallIntegerField(_("quý"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    achieved = models.DecimalField(_("đã đạt"), max_digits=16, decimal_places=2)
    total = models.DecimalField(_("chỉ tiêu (tổng)"), max_digits=16, decimal_places=2)
    note = models.TextField(_("ghi chú"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    recorded_at = models.DateTimeField(_("ghi nhận lúc"), auto_now=True)

    class Meta:
        verbose_name = _("số liệu theo quý")
        verbose_name_plural = pgettext_lazy("plural", "số liệu theo quý")
        ordering = ["target_id", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(fields=["target", "year", "quarter"], name="snapshot_unique_per_quarter"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="snapshot_quarter_1_to_4"),
        ]

    def __str__(self) -> str:
        return f"{self.target} · {self.period.label()}"

    @property
    def period(self) -> Period:
        return Period(self.year, quarter=self.quarter)


class ProgressReport(models.Model):
    """What a body reports on a task. Append-only: the task's state is the latest report."""

    task = models.ForeignKey(Task, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="reports")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người báo cáo"), null=True, on_delete=models.SET_NULL
    )
    organization = models.ForeignKey(Organization, verbose_name=_("đơn vị"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("thời gian"), auto_now_add=True, db_index=True)
    status = models.CharField(_("trạng thái"), max_length=16, choices=Task.Status.choices)
    percent = models.PositiveSmallIntegerField(_("tiến độ (%)"), validators=[MaxValueValidator(100)])
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    note = models.TextField(_("nội dung báo cáo"), blank=True)

    class Meta:
        verbose_name = _("báo cáo tiến độ")
        verbose_name_plural = pgettext_lazy("plural", "báo cáo tiến độ")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["task", "-created_at"], name="report_task_created_idx")]

    def __str__(self) -> str:
        return f"{self.task.path} · {self.get_status_display()} · {self.percent}%"

    def clean(self) -> None:
        errors = _date_errors(completed_on=self.completed_on)
        if not errors:
            try:
                validate_not_future(self.completed_on)
            except ValidationError as error:
                errors["completed_on"] = error.messages
        if errors:
            raise ValidationError(errors)


def evidence_path(instance: EvidenceFile, filename: str) -> str:
    return f"evidence/{instance.report.task_id}/{filename}"


class EvidenceFile(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("tệp"), upload_to=evidence_path)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveBigIntegerField(_("dung lượng"), default=0)
    content_type = models.CharField(_("loại tệp"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("tệp minh chứng")
        verbose_name_plural = pgettext_lazy("plural", "tệp minh chứng")

    def __str__(self) -> str:
        return self.original_name


class ExtensionRequest(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Chờ quyết định")
        APPROVED = "approved", _("Đã chấp thuận")
        REFUSED = "refused", _("Không chấp thuận")

    task = models.ForeignKey(Task, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đề nghị"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organization = models.ForeignKey(Organization, verbose_name=_("đơn vị đề nghị"), on_delete=models.PROTECT)
    previous_deadline = models.DateField(_("thời hạn cũ"), null=True, blank=True)
    requested_deadline = models.DateField(_("thời hạn đề nghị"))
    reason = models.TextField(_("lý do"))
    state = models.CharField(_("trạng thái"), max_length=16, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người quyết định"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    decision_note = models.TextField(_("ý kiến"), blank=True)
    created_at = models.DateTimeField(_("đề nghị lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("đề nghị gia hạn")
        verbose_name_plural = pgettext_lazy("plural", "đề nghị gia hạn")
        ordering = ["-created_at", "-id"]
        constraints = [
            # At most one undecided request per task.
            models.UniqueConstraint(
                fields=["task"], condition=Q(state="pending"), name="extension_one_pending_per_task"
            )
        ]

    def __str__(self) -> str:
        return f"{self.task.path} → {self.requested_deadline:%d/%m/%Y}"

    def clean(self) -> None:
        """The requested date lies within bounds. That it is later than the deadline it extends is
        checked when it is requested (`services.extension_request`), not at every later save."""
        errors = _date_errors(requested_deadline=self.requested_deadline)
        if errors:
            raise ValidationError(errors)


class CompletionClaim(models.Model):
    """A report of "done" waiting for the issuer's verification (thẩm định).

    The task's state does not change while it waits; on acceptance the "done" progress report
    is made through `task_report_progress` with the claimed completion date (`report`), so the
    standing and the rates count only accepted completions. Returned claims stay as history.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Chờ xác nhận")
        ACCEPTED = "accepted", _("Đã xác nhận")
        RETURNED = "returned", _("Trả lại")

    task = models.ForeignKey(Task, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="claims")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người báo cáo"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organization = models.ForeignKey(Organization, verbose_name=_("đơn vị báo cáo"), on_delete=models.PROTECT)
    completed_on = models.DateField(_("ngày hoàn thành"))
    note = models.TextField(_("nội dung báo cáo"), blank=True)
    state = models.CharField(_("trạng thái"), max_length=16, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(_("báo cáo lúc"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thẩm định"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("thẩm định lúc"), null=True, blank=True)
    comment = models.TextField(_("ý kiến thẩm định"), blank=True)
    report = models.OneToOneField(
        ProgressReport,
        verbose_name=_("báo cáo được tính"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claim",
    )

    class Meta:
        verbose_name = _("báo cáo hoàn thành chờ xác nhận")
        verbose_name_plural = pgettext_lazy("plural", "báo cáo hoàn thành chờ xác nhận")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["task"], condition=Q(state="pending"), name="claim_one_pending_per_task")
        ]
        indexes = [models.Index(fields=["state", "created_at"], name="claim_state_created_idx")]

    def __str__(self) -> str:
        return f"{self.task.path} · {self.get_state_display()}"


def claim_file_path(instance: ClaimFile, filename: str) -> str:
    return f"claims/{instance.claim.task_id}/{filename}"


class ClaimFile(models.Model):
    claim = models.ForeignKey(CompletionClaim, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("tệp"), upload_to=claim_file_path)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveBigIntegerField(_("dung lượng"), default=0)
    content_type = models.CharField(_("loại tệp"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("tệp minh chứng hoàn thành")
        verbose_name_plural = pgettext_lazy("plural", "tệp minh chứng hoàn thành")

    def __str__(self) -> str:
        return self.original_name


class Explanation(models.Model):
    """A request for explanation (yêu cầu giải trình) from the issuer to the lead body, and
    its answer. Open until answered; answered until the asker closes it."""

    class State(models.TextChoices):
        OPEN = "open", _("Chờ giải trình")
        ANSWERED = "answered", _("Đã giải trình")
        CLOSED = "closed", _("Đã kết thúc")

    task = models.ForeignKey(Task, verbose_name=_("nhiệm vụ"), on_delete=models.CASCADE, related_name="explanations")
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người yêu cầu"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("đơn vị yêu cầu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    addressed_to = models.ForeignKey(
        Organization, verbose_name=_("đơn vị giải trình"), on_delete=models.PROTECT, related_name="explanations"
    )
    question = models.TextField(_("nội dung yêu cầu"))
    due_on = models.DateField(_("hạn giải trình"))
    state = models.CharField(_("trạng thái"), max_length=16, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(_("yêu cầu lúc"), auto_now_add=True)
    answer = models.TextField(_("nội dung giải trình"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người giải trình"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("giải trình lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("yêu cầu giải trình")
        verbose_name_plural = pgettext_lazy("plural", "yêu cầu giải trình")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["state", "due_on"], name="explanation_state_due_idx")]

    def __str__(self) -> str:
        return f"{self.task.path} · {self.get_state_display()}"


def explanation_file_path(instance: ExplanationFile, filename: str) -> str:
    return f"explanations/{instance.explanation.task_id}/{filename}"


class ExplanationFile(models.Model):
    explanation = models.ForeignKey(Explanation, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("tệp"), upload_to=explanation_file_path)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    size = models.PositiveBigIntegerField(_("dung lượng"), default=0)
    content_type = models.CharField(_("loại tệp"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("tệp giải trình")
        verbose_name_plural = pgettext_lazy("plural", "tệp giải trình")

    def __str__(self) -> str:
        return self.original_name


class TaskEvent(models.Model):
    """The task's timeline: edits, status changes, decisions, with who and when."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Tạo nhiệm vụ")
        EDITED = "edited", _("Chỉnh sửa")
        REPORTED = "reported", _("Báo cáo tiến độ")
        EXTENSION_REQUESTED = "extension_requested", _("Đề nghị gia hạn")
        EXTENSION_DECIDED = "extension_decided", _("Quyết định gia hạn")
        TARGET_UPDATED = "target_updated", _("Cập nhật chỉ tiêu")
        REMINDED = "reminded", _("Đã gửi đôn đốc")
        COMPLETION_CLAIMED = "completion_claimed", _("Báo cáo hoàn thành, chờ xác nhận")
        COMPLETION_ACCEPTED = "completion_accepted", _("Xác nhận hoàn thành")
        COMPLETION_RETURNED = "completion_returned", _("Trả lại báo cáo hoàn thành")
        EXPLANATION_REQUESTED = "explanation_requested", _("Yêu cầu giải trình")
        EXPLANATION_ANSWERED = "explanation_answered", _("Giải trình")
        EXPLANATION_CLOSED = "explanation_closed", _("Kết thúc yêu cầu giải trình")
        PASSED_DOWN = "passed_down", _("Giao cho cấp dưới")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("loại"), max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(_("thời gian"), auto_now_add=True)
    summary = models.CharField(_("tóm tắt"), max_length=500, blank=True)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)

    class Meta:
        verbose_name = _("sự kiện")
        verbose_name_plural = pgettext_lazy("plural", "sự kiện")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["task", "-created_at"], name="event_task_created_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.summary}"


class ReminderPolicy(TimeStamped):
    """Reminder rules per issuing organization; the row with no organization is the default."""

    organization = models.OneToOneField(
        Organization,
        verbose_name=_("cơ quan ban hành"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminder_policy",
    )
    days_before = models.CharField(
        _("nhắc trước hạn (ngày)"),
        max_length=64,
        default="14,7,3,1,0",
        help_text=_("Ví dụ: 14,7,3,1,0 (0 = đúng ngày)."),
    )
    overdue_every_days = models.PositiveSmallIntegerField(
        _("nhắc quá hạn mỗi (ngày)"), default=7, validators=[MinValueValidator(1)]
    )
    escalate_after_days = models.PositiveSmallIntegerField(_("báo cáo cấp trên sau (ngày quá hạn)"), default=14)
    enabled = models.BooleanField(_("bật"), default=True)

    class Meta:
        verbose_name = _("quy tắc đôn đốc")
        verbose_name_plural = pgettext_lazy("plural", "quy tắc đôn đốc")

    def __str__(self) -> str:
        return str(self.organization) if self.organization_id else str(_("Mặc định"))

    @property
    def days_before_list(self) -> list[int]:
        return sorted({int(x) for x in self.days_before.split(",") if x.strip().isdigit()}, reverse=True)

    def clean(self) -> None:
        parts = [x.strip() for x in self.days_before.split(",") if x.strip()]
        if not parts or not all(p.isdigit() and int(p) <= 365 for p in parts):
            raise ValidationError({"days_before": _("Nhập các số ngày từ 0 đến 365, cách nhau bởi dấu phẩy.")})


class Notification(models.Model):
    """One message to send to one recipient: the outbox of every mail the tracker sends.

    Reminders are planned by the daily sweep and go out together, one digest per recipient;
    event mails (an extension requested or decided, a completion returned, an explanation
    requested or answered) are enqueued when the event happens and go out alone, each from
    the templates named after its kind with `payload` as context (see
    `directives/services/reminders.py`, "The outbox"). Both take the same claim/send path.

    The unique key (task, kind, window, recipient) makes planning idempotent: a second
    sweep of the same day inserts nothing. `window` is the deadline the reminder is about
    (so a moved deadline gets reminders of its own), the overdue/escalation step, or for an
    event its own key (for example "event:<TaskEvent id>").

    Transient send failures put the row back to pending with a bounded backoff until
    `expires_at` (the end of its usefulness), then it is *expired* with the reason; only a
    permanent answer (5xx for the address) or a message that cannot be rendered fails it.
    """

    class Kind(models.TextChoices):
        BEFORE = "before", _("Sắp đến hạn")
        DUE_TODAY = "due_today", _("Đến hạn hôm nay")
        OVERDUE = "overdue", _("Quá hạn")
        ESCALATION = "escalation", _("Báo cáo cấp trên")
        EXTENSION_PENDING = "extension_pending", _("Đề nghị gia hạn chờ quyết định")
        SUPPORT_DIGEST = "support", _("Để biết (phối hợp)")
        # Requests for explanation, in each daily digest until dealt with (`reminders.py`).
        EXPLANATION_OPEN = "explanation_open", _("Yêu cầu giải trình chưa trả lời")
        EXPLANATION_REVIEW = "explanation_review", _("Giải trình đã nhận, chờ xem")
        # Event mails (issue 13), sent when the event happens or in the next digest.
        EXTENSION_REQUESTED = "extension_requested", _("Có đề nghị gia hạn")
        EXTENSION_DECIDED = "extension_decided", _("Đề nghị gia hạn đã được quyết định")
        COMPLETION_RETURNED = "completion_returned", _("Báo cáo hoàn thành bị trả lại")
        EXPLANATION_REQUESTED = "explanation_requested", _("Yêu cầu giải trình")
        EXPLANATION_ANSWERED = "explanation_answered", _("Đã giải trình")

    class State(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENDING = "sending", _("Đang gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi lỗi")
        EXPIRED = "expired", _("Hết hạn, không gửi")
        SKIPPED = "skipped", _("Bỏ qua")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("loại"), max_length=24, choices=Kind.choices)
    window = models.CharField(_("đợt"), max_length=64)
    recipient = models.EmailField(_("người nhận"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.SET_NULL)
    planned_for = models.DateField(_("ngày lập"))
    payload = models.JSONField(_("nội dung"), default=dict, blank=True)
    state = models.CharField(_("trạng thái"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("số lần thử"), default=0)
    lease_until = models.DateTimeField(_("giữ đến"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("thử lại lúc"), null=True, blank=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)
    first_error_at = models.DateTimeField(_("lỗi đầu tiên lúc"), null=True, blank=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    last_error = models.TextField(_("lỗi"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("thông báo đôn đốc")
        verbose_name_plural = pgettext_lazy("plural", "thông báo đôn đốc")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "kind", "window", "recipient"], name="notification_unique_task_kind_window_recipient"
            )
        ]
        indexes = [
            # The sender's own rows after a claim (state, lease) and the expiry of stale rows.
            models.Index(fields=["state", "lease_until"], name="notification_state_lease_idx"),
            # The claim: the unsent rows in recipient order, so that picking the next recipients
            # stops after a batch and their rows are found by address, however large the outbox
            # (sent, failed and expired rows are not in it). See `services.reminders._claim`.
            models.Index(
                fields=["recipient"], condition=Q(state__in=["pending", "sending"]), name="notification_claim_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.task.path} → {self.recipient}"


class EmailSuppression(models.Model):
    """An address that asked, by the one-click link in a reminder (RFC 8058), to receive no
    more reminders. Users' own addresses use their preference instead; this is for the
    contact addresses of organizations, which have no account."""

    email = models.EmailField(_("địa chỉ"), unique=True)
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("địa chỉ ngừng nhận đôn đốc")
        verbose_name_plural = pgettext_lazy("plural", "địa chỉ ngừng nhận đôn đốc")

    def __str__(self) -> str:
        return self.email


class SweepRun(models.Model):
    """One run of the reminder sweep, for the health page and `reminders_health`."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Theo lịch")
        CATCH_UP = "catch_up", _("Bù lượt bị lỡ")
        MANUAL = "manual", _("Chạy tay")

    started_at = models.DateTimeField(_("bắt đầu"), auto_now_add=True)
    planned_at = models.DateTimeField(_("lập xong lúc"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    for_date = models.DateField(_("ngày quét"))
    trigger = models.CharField(_("khởi chạy"), max_length=10, choices=Trigger.choices, default=Trigger.SCHEDULE)
    caught_up = models.JSONField(_("ngày bị lỡ đã bù"), default=list, blank=True)
    planned = models.PositiveIntegerField(_("đã lập"), default=0)
    sent = models.PositiveIntegerField(_("đã gửi"), default=0)
    retried = models.PositiveIntegerField(_("chờ gửi lại"), default=0)
    failed = models.PositiveIntegerField(_("lỗi"), default=0)
    expired = models.PositiveIntegerField(_("hết hạn"), default=0)
    error = models.TextField(_("lỗi của lượt quét"), blank=True)

    class Meta:
        verbose_name = _("lượt quét đôn đốc")
        verbose_name_plural = pgettext_lazy("plural", "lượt quét đôn đốc")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.for_date:%d/%m/%Y} · {self.planned}"


class AccessEvent(models.Model):
    """Sign-ins, failed sign-ins and denied accesses, for superusers to review."""

    class Kind(models.TextChoices):
        LOGIN_SUCCEEDED = "login_succeeded", _("Đăng nhập thành công")
        LOGIN_FAILED = "login_failed", _("Đăng nhập thất bại")
        ACCESS_DENIED = "access_denied", _("Truy cập bị từ chối")

    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    username = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    organizations = models.CharField(_("đơn vị"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    path = models.CharField(_("đường dẫn"), max_length=500, blank=True)
    status_code = models.PositiveSmallIntegerField(_("mã trả về"), null=True, blank=True)
    created_at = models.DateTimeField(_("thời gian"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("nhật ký truy cập")
        verbose_name_plural = pgettext_lazy("plural", "nhật ký truy cập")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.username} · {self.ip_address}"


# -- history is never lost -----------------------------------------------------------------

#: Timeline entries that are not, by themselves, a history worth keeping: the import wrote them.
NO_HISTORY_EVENTS = (TaskEvent.Kind.CREATED, TaskEvent.Kind.EDITED)


class HistoryKeptError(models.ProtectedError):
    """Deleting would lose progress reports, extensions, reminders or a timeline."""


def tasks_with_history(tasks: models.QuerySet) -> models.QuerySet:
    """The tasks of `tasks` that have a history: a progress report, an extension request, a
    completion claim, a request for explanation, a reminder, or a timeline entry beyond their
    creation and edits. Such tasks are never deleted;
    a task that is no longer in its directive is retired (`retired_on`)."""
    from django.db.models import Exists, OuterRef

    def has(model, **extra):
        return Exists(model.objects.filter(task_id=OuterRef("pk"), **extra))

    return tasks.filter(
        Q(has(ProgressReport))
        | Q(has(ExtensionRequest))
        | Q(has(CompletionClaim))
        | Q(has(Explanation))
        | Q(has(Notification))
        | Q(Exists(TaskEvent.objects.filter(task_id=OuterRef("pk")).exclude(kind__in=NO_HISTORY_EVENTS)))
    )


def task_subtree_ids(ids: list[int]) -> list[int]:
    """`ids` and the ids of all their subtasks (a task's children are deleted with it)."""
    found, frontier = list(ids), list(ids)
    while frontier:
        frontier = list(Task.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier = [pk for pk in frontier if pk not in found]
        found += frontier
    return found


def history_message(tasks: list[Task]) -> str:
    paths = ", ".join(t.path for t in tasks[:10]) + (" …" if len(tasks) > 10 else "")
    return str(
        _(
            "Không xóa được: nhiệm vụ %(paths)s đã có báo cáo tiến độ, gia hạn, đôn đốc hoặc lịch sử. "
            "Lịch sử không bao giờ bị xóa; hãy chuyển nhiệm vụ sang “Tạm dừng / Hủy” hoặc cập nhật văn bản "
            "để nhiệm vụ được đánh dấu thôi theo dõi."
        )
    ) % {"paths": paths}


def refuse_deleting_history(tasks: models.QuerySet) -> None:
    """Raise `HistoryKeptError` (a ProtectedError, with a Vietnamese message) when any of `tasks`
    has a history."""
    kept = list(tasks_with_history(tasks).only("pk", "path").order_by("position", "pk")[:11])
    if kept:
        raise HistoryKeptError(history_message(kept), set(kept))


# -- access from other systems (directives/api/) ------------------------------------------


class ApiToken(models.Model):
    """A personal access token for the REST API (`directives/api/`).

    Only the SHA-256 of the secret is stored; the secret is shown once, when it is created.
    `prefix` (the first characters of the secret) lets the owner recognise it in the list.
    """

    class Scope(models.TextChoices):
        READ = "read", _("Chỉ đọc")
        REPORT = "report", _("Đọc và báo cáo")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên"), max_length=100)
    prefix = models.CharField(_("tiền tố"), max_length=16)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scope = models.CharField(_("phạm vi"), max_length=8, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = pgettext_lazy("plural", "mã truy cập API")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_active_at(self, moment) -> bool:
        return self.revoked_at is None and self.expires_at > moment


class CalendarFeed(models.Model):
    """A user's secret iCalendar address (`/calendar/<secret>.ics`); one per user.

    Only the SHA-256 of the secret is stored: the address is shown once; a new one replaces
    it and deleting the row revokes it.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    prefix = models.CharField(_("tiền tố"), max_length=16)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)

    class Meta:
        verbose_name = _("lịch nhiệm vụ")
        verbose_name_plural = pgettext_lazy("plural", "lịch nhiệm vụ")

    def __str__(self) -> str:
        return f"{self.user} ({self.prefix}…)"


class DocumentJob(TimeStamped):
    """An uploaded scan read with OCR in the worker; the import page polls it, then its text goes
    to the review like a pasted one. The upload's bytes are dropped when the job ends."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("đang chờ")
        RUNNING = "running", _("đang đọc")
        DONE = "done", _("đã đọc xong")
        FAILED = "failed", _("không đọc được")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="document_jobs",
        verbose_name=_("người tải lên"),
    )
    filename = models.CharField(_("tên tệp"), max_length=255)
    data = models.BinaryField(_("nội dung tệp"), blank=True, editable=False)
    status = models.CharField(_("trạng thái"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    progress = models.CharField(_("tiến độ"), max_length=255, blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    text = models.TextField(_("văn bản đọc được"), blank=True)
    method = models.CharField(_("cách đọc"), max_length=20, blank=True)
    pages = models.PositiveIntegerField(_("số trang"), null=True, blank=True)
    warnings = models.JSONField(_("lưu ý"), default=list, blank=True)

    class Meta:
        verbose_name = _("lượt đọc tệp scan")
        verbose_name_plural = pgettext_lazy("plural", "lượt đọc tệp scan")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.filename} · {self.get_status_display()}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class SavedView(models.Model):
    """A user's named filter of the task list (the query string), found in the navigation."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views")
    name = models.CharField(_("tên"), max_length=80)
    query = models.CharField(_("điều kiện lọc"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bộ lọc đã lưu")
        verbose_name_plural = pgettext_lazy("plural", "bộ lọc đã lưu")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="saved_view_unique_user_name")]

    def __str__(self) -> str:
        return self.name


class TaskFollow(models.Model):
    """A user follows a task they do not necessarily lead: it shows on their home page (and
    may reach their inbox and digests)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="task_follows")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("nhiệm vụ theo dõi")
        verbose_name_plural = pgettext_lazy("plural", "nhiệm vụ theo dõi")
        constraints = [models.UniqueConstraint(fields=["user", "task"], name="task_follow_unique_user_task")]

    def __str__(self) -> str:
        return f"{self.user} → {self.task}"
