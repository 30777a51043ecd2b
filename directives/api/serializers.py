"""The API's shapes. Output serializers read what the selectors return (tasks carry the
`standing` annotation of `selectors.task_list`); input serializers only validate: the view
calls the service."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from directives import models, selectors
from directives.forms import validate_evidence


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def standing_labels() -> dict[str, str]:
    return {code: str(label) for code, label in selectors.STANDING_CHOICES}


class OrganizationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Organization
        fields = ["id", "name", "short_name"]


class DirectiveRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.Directive
        fields = ["id", "kind", "number", "title"]


class DirectiveSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    issuer = OrganizationRefSerializer(read_only=True, allow_null=True)
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = models.Directive
        fields = [
            "id",
            "kind",
            "kind_label",
            "number",
            "title",
            "issuer",
            "meeting_date",
            "issued_on",
            "signer",
            "period",
            "status",
            "status_label",
            "created_at",
            "updated_at",
            "web_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_web_url(self, obj) -> str:
        return absolute(reverse("directives:directive_detail", args=[obj.pk]))


class TaskSerializer(serializers.ModelSerializer):
    directive = DirectiveRefSerializer(read_only=True)
    lead = OrganizationRefSerializer(read_only=True, allow_null=True)
    supporters = OrganizationRefSerializer(many=True, read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    standing = serializers.ChoiceField(choices=selectors.STANDING_CHOICES, read_only=True)
    standing_label = serializers.SerializerMethodField()
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = models.Task
        fields = [
            "id",
            "directive",
            "path",
            "text",
            "parent_id",
            "lead",
            "supporters",
            "deadline",
            "deadline_period",
            "status",
            "status_label",
            "standing",
            "standing_label",
            "progress",
            "completed_on",
            "updated_at",
            "web_url",
        ]

    def get_standing_label(self, obj) -> str:
        return standing_labels().get(getattr(obj, "standing", ""), "")

    @extend_schema_field(OpenApiTypes.URI)
    def get_web_url(self, obj) -> str:
        return absolute(reverse("directives:task_detail", args=[obj.pk]))


class EvidenceFileSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name")
    web_url = serializers.SerializerMethodField()

    class Meta:
        model = models.EvidenceFile
        fields = ["id", "name", "size", "content_type", "web_url"]

    @extend_schema_field(OpenApiTypes.URI)
    def get_web_url(self, obj) -> str:
        return absolute(reverse("directives:evidence_download", args=[obj.pk]))


class ProgressReportSerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer(read_only=True)
    author = serializers.SerializerMethodField()
    files = EvidenceFileSerializer(many=True, read_only=True)

    class Meta:
        model = models.ProgressReport
        fields = ["id", "task_id", "organization", "author", "created_at", "status", "percent", "completed_on", "note"]
        fields += ["files"]

    def get_author(self, obj) -> str:
        user = obj.author
        return (user.get_full_name() or user.username) if user else ""


class ProgressReportCreateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=models.Task.Status.choices)
    percent = serializers.IntegerField(min_value=0, max_value=100)
    completed_on = serializers.DateField(
        required=False, allow_null=True, help_text=_("Khi hoàn thành; mặc định hôm nay.")
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    files = serializers.ListField(
        child=serializers.FileField(max_length=255), required=False, default=list, max_length=20
    )

    def validate_files(self, files):
        errors = []
        for upload in files:
            try:
                validate_evidence(upload)
            except forms.ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise serializers.ValidationError(errors)
        return files


class CompletionClaimSerializer(serializers.ModelSerializer):
    """A "done" report waiting for the issuer's verification (directives that require it)."""

    organization = OrganizationRefSerializer(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = models.CompletionClaim
        fields = ["id", "task_id", "organization", "completed_on", "note", "state", "state_label", "created_at"]


class ExtensionRequestSerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = models.ExtensionRequest
        fields = [
            "id",
            "task_id",
            "organization",
            "previous_deadline",
            "requested_deadline",
            "reason",
            "state",
            "state_label",
            "created_at",
            "decided_at",
            "decision_note",
        ]


class ExtensionCreateSerializer(serializers.Serializer):
    requested_deadline = serializers.DateField()
    reason = serializers.CharField(max_length=4000)


class ExtensionDecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approve", _("Chấp thuận")), ("refuse", _("Không chấp thuận"))])
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class TargetSnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = models.TargetSnapshot
        fields = ["year", "quarter", "achieved", "total", "note"]


class TargetSerializer(serializers.ModelSerializer):
    percent = serializers.FloatField(read_only=True, allow_null=True)
    snapshots = TargetSnapshotSerializer(many=True, read_only=True)

    class Meta:
        model = models.Target
        fields = ["id", "directive_id", "task_id", "label", "unit", "total", "achieved", "percent", "period"]
        fields += ["snapshots"]


class TargetUpdateSerializer(serializers.Serializer):
    achieved = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class DirectiveQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class TargetQuerySerializer(serializers.Serializer):
    directive = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    task = serializers.IntegerField(required=False, min_value=1, max_value=2**62)


class BoundedDateField(serializers.DateField):
    """A date between 1900 and 2200, the years the period rules know (`domain.periods`)."""

    def to_internal_value(self, value):
        day = super().to_internal_value(value)
        if not 1901 <= day.year <= 2199:
            raise serializers.ValidationError(_("Năm phải từ 1901 đến 2199."), code="out_of_range")
        return day


class DashboardQuerySerializer(serializers.Serializer):
    cutoff = BoundedDateField(required=False, help_text=_("Ngày tính (YYYY-MM-DD); mặc định hôm nay."))
    issuer = serializers.IntegerField(required=False, min_value=1, max_value=2**62)
    kind = serializers.ChoiceField(choices=models.Directive.Kind.choices, required=False)
    year = serializers.IntegerField(required=False, min_value=1900, max_value=2200)


class CountsSerializer(serializers.Serializer):
    by_standing = serializers.DictField(child=serializers.IntegerField())
    counted = serializers.IntegerField()
    finished = serializers.IntegerField()
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    overdue = serializers.IntegerField()
    completion_rate = serializers.FloatField(allow_null=True)
    on_time_rate = serializers.FloatField(allow_null=True)


class DashboardDirectiveSerializer(serializers.Serializer):
    directive_id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
    counts = CountsSerializer()


class DashboardOrganizationSerializer(serializers.Serializer):
    organization_id = serializers.IntegerField()
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=[("lead", "lead"), ("support", "support")])
    counts = CountsSerializer()


class DashboardQuarterSerializer(serializers.Serializer):
    period = serializers.CharField()
    label = serializers.CharField()
    counts = CountsSerializer()


class DashboardSerializer(serializers.Serializer):
    cutoff = serializers.DateField()
    previous_cutoff = serializers.DateField()
    headline = CountsSerializer()
    previous = CountsSerializer()
    by_directive = DashboardDirectiveSerializer(many=True)
    by_organization = DashboardOrganizationSerializer(many=True)
    by_quarter = DashboardQuarterSerializer(many=True)


class MembershipSerializer(serializers.Serializer):
    organization = OrganizationRefSerializer()
    role = serializers.ChoiceField(choices=models.Membership.Role.choices)


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    scope = serializers.ChoiceField(
        choices=[*models.ApiToken.Scope.choices, ("session", _("Phiên đăng nhập"))],
        help_text=_("Phạm vi của mã truy cập đang dùng, hoặc “session”."),
    )
    token_expires_at = serializers.DateTimeField(allow_null=True)
    memberships = MembershipSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    """The shape of every error response."""

    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)
