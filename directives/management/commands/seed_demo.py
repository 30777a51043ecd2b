from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, ProgrammingError

from directives import models
from directives.demo import DEMO_PASSWORD, USERS, load_demo


class Command(BaseCommand):
    help = "Load the demo data (organizations, users of each role, the seed directives, history). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when directives already exist.")

    def handle(self, *args, if_empty: bool = False, **options):
        try:
            has_data = models.Directive.objects.exists()
        except (OperationalError, ProgrammingError) as exc:
            raise CommandError(f"The database is not ready ({exc}); run `manage.py migrate` first.") from exc
        if if_empty and has_data:
            self.stdout.write("Demo data: the database already has directives; nothing loaded.")
            logins = [("admin", DEMO_PASSWORD, "superuser")]
            logins += [(username, DEMO_PASSWORD, f"{role} · {org}") for username, org, role, _name in USERS]
        else:
            summary = load_demo()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data: {summary.organizations} organizations, {len(summary.users)} users, "
                    f"{summary.directives_created} directives created."
                )
            )
            logins = summary.users
        self.stdout.write("Demo logins (username / password / role):")
        for username, password, role in logins:
            self.stdout.write(f"  {username:<18} {password:<20} {role}")
