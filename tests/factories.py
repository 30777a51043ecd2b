"""factory_boy factories for the domain models."""

from __future__ import annotations

from datetime import date

import factory
from django.contrib.auth import get_user_model

from directives import models
from directives.domain.bodies import guess_system


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.vn")
    password = factory.PostGenerationMethodCall("set_password", "pass-for-tests-1")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Organization
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Cơ quan {n}")
    kind = models.Organization.Kind.PROVINCIAL
    # As an organization created by an import: the system guessed from the name.
    system = factory.LazyAttribute(lambda o: guess_system([o.name]))
    contact_emails = factory.Sequence(lambda n: f"org{n}@example.vn")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = models.Membership.Role.REPORTER


class DirectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Directive

    kind = models.Directive.Kind.THONG_BAO
    number = factory.Sequence(lambda n: f"{n + 100}-TB/BTCTW")
    title = factory.Sequence(lambda n: f"Kết luận Hội nghị giao ban số {n}")
    issuer = factory.SubFactory(OrganizationFactory)
    issued_on = date(2021, 10, 13)
    status = models.Directive.Status.ACTIVE


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Task

    directive = factory.SubFactory(DirectiveFactory)
    path = factory.Sequence(lambda n: str(n + 1))
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Tham mưu thực hiện nhiệm vụ số {n}")
    lead = factory.SubFactory(OrganizationFactory)
    deadline = date(2021, 12, 31)
    deadline_period = "2021Q4"


# -- staff UI (tests/directives/test_ui_*.py) ------------------------------------------


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Target

    directive = factory.SubFactory(DirectiveFactory)
    label = "Xây dựng đề án"
    unit = "đề án"
    total = 28
    achieved = 0


class ExtensionRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ExtensionRequest

    task = factory.SubFactory(TaskFactory)
    organization = factory.LazyAttribute(lambda e: e.task.lead)
    previous_deadline = factory.LazyAttribute(lambda e: e.task.deadline)
    requested_deadline = date(2022, 6, 30)
    reason = "Chờ ý kiến của các cơ quan phối hợp"
