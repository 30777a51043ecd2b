"""`manage.py import_directive PATH [--activate] [--update]`: parse and import without review.

Bodies are matched to the organization list (accents, case and abbreviations ignored, see
`directives.matching`); unknown ones are created. A directive whose number already exists for
the same issuer is refused unless --update, which replaces its tasks, targets and citations.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from directives import models, services
from directives.drafts import DirectiveDraft, draft_from_contract
from directives.management.commands.parse_directive import read_directive_file
from directives.matching import match_names


def organizations_for(draft: DirectiveDraft) -> dict[str, models.Organization]:
    """{casefolded name as written: Organization} for the draft's bodies that match the list."""
    names = [draft.issuer] if draft.issuer else []
    for task in draft.tasks:
        names += task.lead + task.support
    orgs = list(models.Organization.objects.only("id", "name", "short_name"))
    by_id = {o.pk: o for o in orgs}
    matched = match_names(names, [(o.pk, o.name, o.short_name) for o in orgs])
    return {" ".join(name.split()).casefold(): by_id[oid] for name, oid in matched.items()}


def existing_directive(draft: DirectiveDraft, organizations: dict) -> models.Directive | None:
    if not draft.number:
        return None
    qs = models.Directive.objects.filter(number=draft.number)
    issuer = organizations.get(" ".join(draft.issuer.split()).casefold()) if draft.issuer else None
    if issuer is not None:
        return qs.filter(issuer=issuer).first()
    if draft.issuer:
        return qs.filter(issuer__name__iexact=draft.issuer.strip()).first()
    return qs.filter(issuer=None).first()


class Command(BaseCommand):
    help = "Parse a directive's text (.txt or .docx) and import it without review (unknown bodies are created)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--activate", action="store_true", help="start following it at once (status active)")
        parser.add_argument("--update", action="store_true", help="replace the directive with the same number")

    def handle(self, *args, path: str, activate: bool = False, update: bool = False, **options):
        from directives.parsing import parse_directive

        text = read_directive_file(path)
        draft = draft_from_contract(parse_directive(text).to_dict(), source_text=text)
        organizations = organizations_for(draft)
        existing = existing_directive(draft, organizations)
        if existing and not update:
            raise CommandError(
                f"Văn bản số {draft.number} của {existing.issuer or 'cơ quan này'} đã có (id {existing.pk}); "
                "dùng --update để cập nhật."
            )
        before = models.Organization.objects.count()
        try:
            result = services.directive_import(
                draft=draft,
                activate=activate,
                update=existing,
                organizations=organizations,
                create_missing_bodies=True,
            )
        except ValidationError as error:
            raise CommandError("Không nhập được: " + "; ".join(error.messages)) from None
        directive = result.directive
        created_orgs = models.Organization.objects.count() - before
        verb = "Đã tạo" if result.created else "Đã cập nhật"
        self.stdout.write(self.style.SUCCESS(f"{verb} văn bản #{directive.pk}: {directive} — {directive.title[:100]}"))
        self.stdout.write(
            f"  {result.tasks} nhiệm vụ, {result.targets} chỉ tiêu, {result.citations} văn bản được dẫn, "
            f"{created_orgs} cơ quan mới; trạng thái: {directive.get_status_display()}"
        )
        if not result.tasks:
            self.stdout.write("  Không nhận ra nhiệm vụ nào trong văn bản.")
