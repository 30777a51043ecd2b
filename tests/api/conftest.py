"""Fixtures of the API tests: a small world of two organizations, users of every role, and
tokens for them."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from directives import models, services
from tests.factories import DirectiveFactory, MembershipFactory, TargetFactory, TaskFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_throttle_counts():
    """Throttle counts live in the cache; ids are reused between tests on SQLite."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api_world(org, other_org):
    """`org` issues a directive with two tasks: one it leads, one `other_org` leads with `org`
    supporting. `other_org` has its own directive and task that `org` must never see."""
    mine = DirectiveFactory(issuer=org, number="12-TB/BTCTU")
    led = TaskFactory(directive=mine, lead=org, path="1", deadline=date(2021, 12, 31))
    supported = TaskFactory(directive=mine, lead=other_org, path="2", deadline=date(2030, 6, 30))
    supported.supporters.add(org)
    target = TargetFactory(directive=mine, task=led)
    theirs = DirectiveFactory(issuer=other_org, number="99-TB/TU")
    hidden = TaskFactory(directive=theirs, lead=other_org, path="1", deadline=date(2021, 3, 31))
    hidden_target = TargetFactory(directive=theirs, task=hidden)
    users = {}
    for role in ("viewer", "reporter", "manager"):
        users[role] = UserFactory(username=f"api-{role}")
        MembershipFactory(user=users[role], organization=org, role=role)
    return {
        "org": org,
        "other_org": other_org,
        "directive": mine,
        "led": led,
        "supported": supported,
        "target": target,
        "theirs": theirs,
        "hidden": hidden,
        "hidden_target": hidden_target,
        "users": users,
    }


def token_for(user, scope: str = "report", days: int = 30) -> str:
    _token, secret = services.api_token_create(user=user, name="QLVB", scope=scope, days=days)
    return secret


def client_for(user, scope: str = "report") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user, scope)}")
    return client


@pytest.fixture
def make_client():
    return client_for


__all__ = ["client_for", "models", "token_for"]
