from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from directives import models
from directives.domain.periods import Period
from directives.exports import SYSTEM, quarterly_report_docx


class Command(BaseCommand):
    help = "Write the quarterly progress report (.docx) of every task: --quarter 2021Q3 --out FILE."

    def add_arguments(self, parser):
        parser.add_argument("--quarter", required=True, help="The quarter, e.g. 2021Q3.")
        parser.add_argument("--out", required=True, help="The .docx file to write.")
        parser.add_argument(
            "--organization",
            default="",
            help="The reporting organization (id or exact name): its header, place and form (Party or state).",
        )

    def handle(self, *args, quarter: str, out: str, organization: str = "", **options):
        try:
            period = Period.from_code(quarter)
        except ValueError as exc:
            raise CommandError(f"Bad quarter {quarter!r}: expected a code like 2021Q3.") from exc
        if period.kind != "quarter":
            raise CommandError(f"Bad quarter {quarter!r}: expected a quarter like 2021Q3, not {period.kind}.")
        if not 1902 <= period.year <= 2199:
            raise CommandError(f"Bad quarter {quarter!r}: the year must be within 1902..2199.")
        path = Path(out)
        if not path.parent.exists():
            raise CommandError(f"The folder {path.parent} does not exist.")
        org = None
        if organization:
            lookup = {"pk": int(organization)} if organization.isdigit() else {"name": organization}
            org = models.Organization.objects.filter(**lookup).first()
            if org is None:
                raise CommandError(f"No organization {organization!r}.")
        path.write_bytes(quarterly_report_docx(SYSTEM, period, organization=org))
        self.stdout.write(self.style.SUCCESS(f"{period.label()}: wrote {path}"))
