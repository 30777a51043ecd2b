"""Demo data: the organizations named in the seed texts, users of each role, the seed
directives (through the parser), progress and target history, and a live plan with tasks
due around today so that the reminders have something to say.

`load_demo()` is idempotent: running it twice changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from directives import models, services
from directives.domain.bodies import guess_system
from directives.importing.drafts import DirectiveDraft, TaskDraft, draft_from_contract

DEMO_DIR = Path(__file__).resolve().parent
DEMO_PASSWORD = "demo-2026-tracker"

ORGANIZATIONS = [
    # name, short name, kind, parent name, emails
    ("Ban Tổ chức Trung ương", "BTCTW", "central", None, "vanphong@btctw.demo.vn"),
    ("Văn phòng Trung ương Đảng", "VPTW", "central", None, "vanthu@vptw.demo.vn"),
    ("Bộ Nội vụ", "BNV", "ministry", None, "vanthu@moha.demo.vn"),
    ("Tỉnh ủy Quảng Ngãi", "TU Quảng Ngãi", "provincial", None, "vanphong@tuquangngai.demo.vn"),
    (
        "Ban Tổ chức Tỉnh ủy Quảng Ngãi",
        "BTC TU Quảng Ngãi",
        "provincial",
        "Tỉnh ủy Quảng Ngãi",
        "btc@tuquangngai.demo.vn",
    ),
    ("Ban Tổ chức Thành ủy TP HCM", "BTC TU TP HCM", "provincial", None, "btc@tphcm.demo.vn"),
    ("Tỉnh ủy Nghệ An", "TU Nghệ An", "provincial", None, "vanphong@tunghean.demo.vn"),
    ("Vụ Tổ chức - Điều lệ", "Vụ TC-ĐL", "central", "Ban Tổ chức Trung ương", "tcdl@btctw.demo.vn"),
    ("Vụ Cán bộ, đảng viên", "Vụ CB-ĐV", "central", "Ban Tổ chức Trung ương", "cbdv@btctw.demo.vn"),
    ("Vụ Địa phương I", "Vụ ĐP I", "central", "Ban Tổ chức Trung ương", "dp1@btctw.demo.vn"),
]

# username, organization, role, full name
USERS = [
    ("btctw.quanly", "Ban Tổ chức Trung ương", "manager", "Nguyễn Văn Quản"),
    ("btctw.xem", "Ban Tổ chức Trung ương", "viewer", "Trần Thị Xem"),
    ("tcdl.baocao", "Vụ Tổ chức - Điều lệ", "reporter", "Lê Văn Báo"),
    ("cbdv.baocao", "Vụ Cán bộ, đảng viên", "reporter", "Phạm Thị Cáo"),
    ("dp1.baocao", "Vụ Địa phương I", "reporter", "Hoàng Văn Địa"),
    ("bonoivu.baocao", "Bộ Nội vụ", "reporter", "Đỗ Thị Nội"),
    ("quangngai.quanly", "Tỉnh ủy Quảng Ngãi", "manager", "Võ Văn Ngãi"),
    ("quangngai.baocao", "Ban Tổ chức Tỉnh ủy Quảng Ngãi", "reporter", "Bùi Thị Quảng"),
    ("tphcm.baocao", "Ban Tổ chức Thành ủy TP HCM", "reporter", "Đặng Văn Thành"),
    ("nghean.baocao", "Tỉnh ủy Nghệ An", "reporter", "Ngô Thị Nghệ"),
]

# Leads for the seed directives' tasks, in turn: the bodies that have reporters.
LEAD_ROTATION = ["Vụ Tổ chức - Điều lệ", "Vụ Cán bộ, đảng viên", "Vụ Địa phương I", "Bộ Nội vụ"]


@dataclass
class DemoSummary:
    organizations: int
    users: list[tuple[str, str, str]]
    directives_created: int


def _aware(d: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(hour)))


def seed_drafts() -> list[DirectiveDraft]:
    """The five seed texts, through the parser (or their gold annotation, when the parser
    does not yet exist in this checkout)."""
    drafts = []
    for path in sorted(DEMO_DIR.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        try:
            from directives.parsing import parse_directive
        except ImportError:  # pragma: no cover - until the parser lands
            gold = DEMO_DIR.parent.parent / "tests" / "fixtures" / "corpus" / "gold" / f"{path.stem}.json"
            data = json.loads(gold.read_text(encoding="utf-8")) if gold.exists() else {"tasks": []}
            drafts.append(draft_from_contract(data, source_text=text))
        else:
            drafts.append(draft_from_contract(parse_directive(text).to_dict(), source_text=text))
    return drafts


def _ensure_organizations() -> dict[str, models.Organization]:
    orgs: dict[str, models.Organization] = {}
    for name, short, kind, parent, emails in ORGANIZATIONS:
        org, _ = models.Organization.objects.get_or_create(
            name=name,
            defaults={
                "short_name": short,
                "kind": kind,
                "system": guess_system([name, parent or ""]),
                "contact_emails": emails,
                "parent": orgs.get(parent),
            },
        )
        orgs[name] = org
    return orgs


def _ensure_users(orgs: dict[str, models.Organization]) -> list[tuple[str, str, str]]:
    User = get_user_model()
    logins = []
    admin, created = User.objects.get_or_create(
        username="admin", defaults={"is_staff": True, "is_superuser": True, "email": "admin@demo.vn"}
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    logins.append(("admin", DEMO_PASSWORD, "superuser"))
    for username, org_name, role, full_name in USERS:
        # Vietnamese names put the family name first; Django's get_full_name() joins
        # first_name and last_name in that order, so "Nguyễn Văn" + "Quản" reads right.
        family, _, given = full_name.rpartition(" ")
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@demo.vn", "first_name": family, "last_name": given}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        models.Membership.objects.get_or_create(user=user, organization=orgs[org_name], defaults={"role": role})
        logins.append((username, DEMO_PASSWORD, f"{role} · {org_name}"))
    return logins


def is_news_report(draft: DirectiveDraft) -> bool:
    """A news article (no number, no kind of document): the demo keeps only real directives."""
    return not draft.number and draft.kind in ("", "other")


def _backdate_creation(directive: models.Directive) -> None:
    """The tasks were created when the directive was issued, not when the demo was loaded:
    timelines list what happened in the order it happened."""
    if directive.issued_on:
        models.TaskEvent.objects.filter(task__directive=directive, kind=models.TaskEvent.Kind.CREATED).update(
            created_at=_aware(directive.issued_on, 8)
        )


def _history_for_seed(directive: models.Directive, reporters: dict[int, object]) -> None:
    """A mixture of on-time, late, in-progress, not-started and overdue tasks."""
    for i, task in enumerate(directive.tasks.select_related("lead").order_by("position")):
        if not task.deadline or not task.lead:
            continue
        author = reporters.get(task.lead_id) or reporters[None]
        step = i % 5
        if step == 0:
            report_on, status, percent = task.deadline - timedelta(days=16), "done", 100
        elif step == 1:
            report_on, status, percent = task.deadline + timedelta(days=20), "done", 100
        elif step == 2:
            report_on, status, percent = task.deadline - timedelta(days=40), "in_progress", 50
        elif step == 3:
            continue  # not started
        else:
            report_on, status, percent = task.deadline, "done", 100
        if directive.issued_on:
            report_on = max(report_on, directive.issued_on + timedelta(days=1))
        report_on = min(report_on, timezone.localdate())  # no report from the future
        services.task_report_progress(
            task=task,
            author=author,
            organization=task.lead,
            status=status,
            percent=percent,
            note="Dữ liệu mẫu.",
            completed_on=report_on,  # done on the day of the report (ignored unless done)
            at=_aware(report_on),
        )
        models.TaskEvent.objects.filter(task=task, kind=models.TaskEvent.Kind.REPORTED).update(
            created_at=_aware(report_on)
        )


def _targets_history(directive: models.Directive) -> None:
    """Quarterly snapshots around the figure the text gives (its value at the end of Q3)."""
    for target in directive.targets.all():
        as_written = target.achieved
        values = [
            (date(2021, 6, 30), (as_written * Decimal("0.6")).quantize(Decimal(1))),
            (date(2021, 9, 30), as_written),
            (date(2021, 12, 31), min(target.total, as_written + 5) if target.total >= as_written else as_written),
        ]
        for on, value in values:
            services.target_update(target=target, achieved=value, note="Dữ liệu mẫu.", on=on)


def _live_plan(today: date, orgs: dict[str, models.Organization], actor) -> DirectiveDraft:
    """A plan issued 60 days ago whose tasks fall due around today."""
    offsets = [-20, -3, 0, 1, 3, 7, 14, 30, 45, 60]
    texts = [
        "Rà soát, bổ sung quy hoạch cán bộ lãnh đạo, quản lý nhiệm kỳ 2026 - 2031",
        "Báo cáo kết quả kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên",
        "Tổng hợp số liệu đảng viên mới kết nạp trong năm",
        "Hoàn thiện dự thảo hướng dẫn sắp xếp tổ chức bộ máy",
        "Chuẩn bị hội nghị giao ban công tác tổ chức xây dựng Đảng",
        "Kiểm tra, giám sát chuyên đề công tác cán bộ tại các địa phương",
        "Cập nhật cơ sở dữ liệu đảng viên",
        "Tổng kết công tác bảo vệ chính trị nội bộ",
        "Xây dựng kế hoạch đào tạo, bồi dưỡng cán bộ năm sau",
        "Báo cáo sơ kết việc thực hiện quy định về phân cấp quản lý cán bộ",
    ]
    leads = LEAD_ROTATION + ["Ban Tổ chức Tỉnh ủy Quảng Ngãi", "Ban Tổ chức Thành ủy TP HCM", "Tỉnh ủy Nghệ An"]
    tasks = [
        TaskDraft(
            ref=str(i + 1),
            text=text,
            due=today + timedelta(days=offset),
            lead=[leads[i % len(leads)]],
            support=["Bộ Nội vụ"] if i % 3 == 0 and leads[i % len(leads)] != "Bộ Nội vụ" else [],
        )
        for i, (text, offset) in enumerate(zip(texts, offsets, strict=True))
    ]
    return DirectiveDraft(
        title=f"Kế hoạch thực hiện nhiệm vụ trọng tâm công tác tổ chức xây dựng Đảng năm {today.year} (dữ liệu mẫu)",
        kind="ke_hoach",
        number=f"DEMO-{today.year}/KH-BTCTW",
        issuer="Ban Tổ chức Trung ương",
        issued_on=today - timedelta(days=60),
        signer="(dữ liệu mẫu)",
        tasks=tasks,
    )


@transaction.atomic
def load_demo(*, today: date | None = None) -> DemoSummary:
    today = today or timezone.localdate()
    orgs = _ensure_organizations()
    logins = _ensure_users(orgs)
    reporters = {
        m.organization_id: m.user
        for m in models.Membership.objects.filter(role="reporter").select_related("user").order_by("id")
    }
    reporters[None] = get_user_model().objects.get(username="admin")  # for bodies without a reporter
    created = 0
    for n, draft in enumerate(seed_drafts()):
        if is_news_report(draft):
            continue  # a press report about a meeting is not a directive: no invented tasks
        if models.Directive.objects.filter(source_text=draft.source_text).exists():
            continue
        for i, task in enumerate(draft.tasks):
            if not task.lead:
                task.lead = [LEAD_ROTATION[(i + n) % len(LEAD_ROTATION)]]
            if not task.support and i % 4 == 1:
                task.support = ["Bộ Nội vụ" if task.lead != ["Bộ Nội vụ"] else "Văn phòng Trung ương Đảng"]
        result = services.directive_import(draft=draft, activate=True, organizations=_org_keys(orgs))
        # Bodies the parser found that the demo did not know get an address, so reminders reach them.
        for org in models.Organization.objects.filter(contact_emails=""):
            org.contact_emails = f"vanthu.{org.pk}@demo.vn"
            org.save(update_fields=["contact_emails"])
        _backdate_creation(result.directive)
        _history_for_seed(result.directive, reporters)
        _targets_history(result.directive)
        created += 1
    live = _live_plan(today, orgs, None)
    if not models.Directive.objects.filter(number=live.number).exists():
        result = services.directive_import(draft=live, activate=True, organizations=_org_keys(orgs))
        _backdate_creation(result.directive)
        tasks = list(result.directive.tasks.select_related("lead").order_by("position"))
        services.task_report_progress(
            task=tasks[1],
            author=reporters.get(tasks[1].lead_id) or reporters[None],
            organization=tasks[1].lead,
            status="in_progress",
            percent=60,
            note="Đang tổng hợp báo cáo của các đơn vị.",
        )
        services.task_report_progress(
            task=tasks[8],
            author=reporters.get(tasks[8].lead_id) or reporters[None],
            organization=tasks[8].lead,
            status="done",
            percent=100,
            note="Đã trình Thường trực.",
            completed_on=today,
        )
        services.extension_request(
            task=tasks[0],
            author=reporters.get(tasks[0].lead_id) or reporters[None],
            organization=tasks[0].lead,
            requested_deadline=today + timedelta(days=30),
            reason="Chờ ý kiến của các địa phương về danh sách quy hoạch.",
        )
        created += 1
    return DemoSummary(organizations=len(orgs), users=logins, directives_created=created)


def _org_keys(orgs: dict[str, models.Organization]) -> dict[str, models.Organization]:
    return {name.casefold(): org for name, org in orgs.items()}
