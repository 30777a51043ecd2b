"""`manage.py import_directive PATH [--activate] [--update]`: parse and import without review.

PATH is any file the web import takes: a document, a task table (.xlsx) or an edXML package
(`importing.sources`); a table's status and progress columns are not imported, as on the web.

The operator at the command line is trusted (`actor=None`); the rules are those of the one import
service (`directives.importing.services`), as on the review page. Bodies are matched to the
organization list (accents, case and abbreviations ignored); unknown ones are created. A
directive whose number already exists for the same issuer is refused unless --update, which
updates it: tasks matched by path, new ones added, missing ones retired (never deleted).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from directives import models
from directives.importing import services
from directives.importing.drafts import draft_from_contract
from directives.management.commands.parse_directive import read_directive_source


class Command(BaseCommand):
    help = (
        "Parse a directive (.txt, .docx, .doc, .pdf, or a scan read with OCR; a task table .xlsx; an edXML "
        "package) and import it without review (unknown bodies are created)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--activate", action="store_true", help="start following it at once (status active)")
        parser.add_argument("--update", action="store_true", help="update the directive with the same number")
        parser.add_argument(
            "--user", help="import as this user, with the rules of the review page (issuer, update, duplicates)"
        )

    def handle(self, *args, path: str, activate: bool = False, update: bool = False, user=None, **options):
        from django.contrib.auth import get_user_model
        from django.core.exceptions import PermissionDenied

        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"Không có người dùng {user!r}.")

        source = read_directive_source(path, stderr=self.stderr)
        draft = draft_from_contract(source.contract, source_text=source.source_text)
        organizations = services.draft_organizations(draft)
        issuer = organizations.get(" ".join(draft.issuer.split()).casefold()) if draft.issuer else None
        existing = services.directive_existing(
            actor, number=draft.number, issuer_id=issuer.pk if issuer else None, issuer_name=draft.issuer
        )
        if existing and not update:
            raise CommandError(
                f"Văn bản số {draft.number} của {existing.issuer or 'cơ quan này'} đã có (id {existing.pk}); "
                "dùng --update để cập nhật."
            )
        before = models.Organization.objects.count()
        try:
            result = services.directive_import(
                draft=draft,
                actor=actor,
                activate=activate,
                update=existing,
                organizations=organizations,
                create_missing_bodies=True,
            )
        except ValidationError as error:
            raise CommandError("Không nhập được: " + "; ".join(error.messages)) from None
        except PermissionDenied as error:
            raise CommandError(f"Không nhập được: {error}") from None
        directive = result.directive
        created_orgs = models.Organization.objects.count() - before
        verb = "Đã tạo" if result.created else "Đã cập nhật"
        self.stdout.write(self.style.SUCCESS(f"{verb} văn bản #{directive.pk}: {directive} — {directive.title[:100]}"))
        self.stdout.write(
            f"  {result.tasks} nhiệm vụ, {result.targets} chỉ tiêu, {result.citations} văn bản được dẫn, "
            f"{created_orgs} cơ quan mới; trạng thái: {directive.get_status_display()}"
        )
        if result.retired:
            self.stdout.write(f"  {result.retired} nhiệm vụ không còn trong văn bản: thôi theo dõi (giữ lịch sử).")
        if not result.tasks:
            self.stdout.write("  Không nhận ra nhiệm vụ nào trong văn bản.")
