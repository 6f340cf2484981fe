"""Schemathesis against the API's own OpenAPI document, in process (ASGI) over the
session's demo store: for requests generated from the document, valid and invalid,
no answer is a server error, every status and content type is one the document
declares, every body matches the schema declared for it, and data the document
calls invalid is refused with a 4xx.

Examples are capped (and derandomised, so a failure is the same on every run) to
keep the whole run to a minute or two; raise ``CROSSINGS_SCHEMATHESIS_EXAMPLES``
for a deeper search by hand.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from crossings.web import create_app

MAX_EXAMPLES = int(os.environ.get("CROSSINGS_SCHEMATHESIS_EXAMPLES", "15"))
#: A first call per operation builds the store's derived tables (each test has its own
#: cache folder): seconds, more on a busy machine; a hang is still caught.
REQUEST_TIMEOUT_S = 60
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, negative_data_rejection]


#: The document does not depend on the store, so it is read once at import from an app
#: over no store; each call goes to an app over the session's demo store. (Not
#: ``schemathesis.pytest.from_fixture``: schemathesis 4.32 reads a node attribute that
#: pytest 9 no longer has.)
schema = schemathesis.openapi.from_asgi(
    "/api/v1/openapi.json", create_app(),
    # 414 (query string too long) is as right an answer to invalid data as a 400.
    config=schemathesis.Config.from_dict({"checks": {"negative_data_rejection": {
        "expected-statuses": [400, 404, 414, 422]}}}),
).include(path_regex=r"^/api/v1/")  # the API only (an HTML page in the document is no API)


@schema.hook
def filter_case(context, case) -> bool:
    """No empty values: the API takes an empty parameter as absent (its documented
    contract, tested in test_api*), which the generated schema does not say."""
    return all(value not in ("", None) for value in (case.query or {}).values())


@pytest.fixture(scope="session")
def store_app(web_store):
    return create_app(web_store)


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.data_too_large])
def test_every_generated_request_gets_an_answer_its_schema_declares(case, store_app):
    case.call_and_validate(app=store_app, checks=CHECKS, timeout=REQUEST_TIMEOUT_S)
