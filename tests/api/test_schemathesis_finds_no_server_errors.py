"""Property-based calls to every operation in the OpenAPI schema, authenticated: no 5xx anywhere,
and every answer is one the schema documents.

Bounded for CI: derandomized, a few examples per operation, no shrinking (about half a minute
here). Runs Hypothesis directly over schemathesis strategies (its pytest plugin needs pytest < 9).
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# No 5xx, and every answer is one the schema documents (status, content type, body shape).
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(240), pytest.mark.slow]

EXAMPLES_PER_OPERATION = 4
BOUNDED = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def unthrottled(settings) -> None:  # noqa: ANN001
    rest = settings.REST_FRAMEWORK
    settings.REST_FRAMEWORK = {
        **rest,
        "DEFAULT_THROTTLE_RATES": dict.fromkeys(rest["DEFAULT_THROTTLE_RATES"], "9999/second"),
    }


def test_no_operation_answers_a_server_error(live_server, owner, owned, unthrottled) -> None:  # noqa: ANN001
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    failures: dict[str, str] = {}
    statuses: list[int] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20

    for operation in operations:

        @BOUNDED
        @given(case=operation.as_strategy())
        def call(case) -> None:  # noqa: ANN001
            # Fetched per call: one of the operations (DELETE auth/token/) revokes it.
            token = Token.objects.get_or_create(user=owner)[0].key
            response = case.call_and_validate(
                base_url=live_server.url, headers={"Authorization": f"Token {token}"}, checks=CHECKS
            )
            statuses.append(response.status_code)

        try:
            call()
        except Exception as error:  # noqa: BLE001 - collect every operation's failure, then report them all
            failures[operation.label] = str(error)[:1500]

    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
    assert len(statuses) >= len(operations) and {200, 400, 404} <= set(statuses), sorted(set(statuses))
