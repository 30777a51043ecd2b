"""Schemathesis against the API's own schema: for every operation, generated requests (valid
and invalid parameters, bodies and files) never get a 500, and every response matches the
schema (status code, content type, body). Half the generated ids are replaced by ids of real
objects the user may act on, so that the success paths are fuzzed too.

Left out: `positive_data_acceptance`, since a schema-valid request may still break a rule of
the services (an extension already decided, a deadline before the current one): those answer
400 with the service's message, as the web UI does.

(Schemathesis' pytest plugin does not run under pytest 9 here; its Python API does, one
hypothesis run per operation.)"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.api.conftest import token_for
from tests.factories import ExtensionRequestFactory

pytestmark = pytest.mark.django_db

OPERATIONS = [
    (method.upper(), path)
    for path, item in SchemaGenerator().get_schema(request=None, public=True)["paths"].items()
    for method in item
]


@pytest.fixture
def api_schema(db, settings):
    """The schema, fetched from the WSGI application as a client would. As Django's test client
    does, the connection is kept open between requests: closing it would end the test's
    transaction."""
    settings.API_THROTTLE_RATE = "100000/hour"
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(api_world):
    manager = api_world["users"]["manager"]
    extension = ExtensionRequestFactory(task=api_world["supported"])
    ids = {
        "/api/tasks/": api_world["led"].pk,
        "/api/directives/": api_world["directive"].pk,
        "/api/targets/": api_world["target"].pk,
        "/api/extensions/": extension.pk,
    }
    return token_for(manager, "report"), ids


def test_every_operation_is_fuzzed():
    assert ("POST", "/api/tasks/{id}/reports/") in OPERATIONS
    assert ("GET", "/api/dashboard/") in OPERATIONS
    assert len(OPERATIONS) >= 14


@pytest.mark.parametrize("method,path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_the_api_keeps_to_its_schema(api_schema, fuzz_world, method, path):
    token, ids = fuzz_world
    operation = api_schema[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case):
        params = case.path_parameters or {}
        if "id" in params and isinstance(params["id"], int) and params["id"] % 2 == 0:
            for prefix, pk in ids.items():
                if case.path.startswith(prefix):
                    params["id"] = pk
        case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, excluded_checks=[positive_data_acceptance])

    run()
