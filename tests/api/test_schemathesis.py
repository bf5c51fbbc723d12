"""Schemathesis against the whole OpenAPI, as every kind of caller: no answer may be a 5xx.

Each operation gets schemathesis' coverage cases (boundary and invalid values for every
parameter and body field: 2⁶³ as an id, empty strings, wrong types), then a few generated
requests carrying the world's real ids, so bodies reach the handlers and not only the 404 of
an unknown id. Generation is derandomized and bounded, so a run is the same every time.
"""

from __future__ import annotations

import itertools

import hypothesis
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.drivers import CoverageGenerator
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.generation.modes import GenerationMode
from schemathesis.generation.overrides import Override
from schemathesis.schemas import APIOperation
from sqlmodel import Session

from tests.api.ownership_world import World, build_world

pytestmark = pytest.mark.slow
COVERAGE_CASES_PER_OPERATION = 12
EXAMPLES_PER_OPERATION = 5
FUZZ_CALLERS = ("anonymous", "firm_1", "bank_a_user", "bank_a_key", "admin")
# Path parameter name → the world's id it names (see build_world).
WORLD_IDS = {
    "application_id": "application",
    "authorization_id": "authorization",
    "batch_id": "batch",
    "claim_id": "claim",
    "event_id": "event_a",
    "key_id": "key_a",
    "lead_id": "accepted_lead",
    "lender_code": "fund_bank",
    "lender_id": "bank_a",
    "loan_id": "loan",
    "name": "model",
    "number": "version",
    "probe_id": "probe",
    "product_id": "product",
    "review_id": "review",
    "secret_id": "secret_a",
    "uscc": "firm_1",
    "user_id": "firm_1_user",
}
SETTINGS = hypothesis.settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    phases=[hypothesis.Phase.generate],
)


class Fuzz:
    """Sends cases as one caller and keeps each server error it meets."""

    def __init__(self, *, world: World, caller: str) -> None:
        self.headers = world.api_headers(caller)
        self.caller = caller
        self.world = world
        self.errors: list[str] = []

    def send(self, case: schemathesis.Case) -> None:
        try:
            response = case.call(headers=self.headers)
        except Exception as error:  # the app raised instead of answering: a 500 all the same
            curl = case.as_curl_command(headers=self.headers)
            self.errors.append(f"{self.caller} {case.operation.label} → {error!r}\n    {curl}")
            return
        try:
            case.validate_response(response, checks=[not_a_server_error])
        except (AssertionError, FailureGroup):
            self.errors.append(
                f"{self.caller} {case.operation.label} → {response.status_code}\n"
                f"    {case.as_curl_command(headers=self.headers)}\n"
                f"    {response.text[:300]}"
            )

    def coverage(self, operation: APIOperation) -> None:
        generator = CoverageGenerator(
            operation=operation,
            generation_modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
            generation_config=operation.schema.config.generation_for(
                operation=operation, phase="coverage"
            ),
            auth_storage=None,
            override=Override(),
            feedback=FeedbackSources(),
        )
        # Other methods on the path (405) are Starlette's concern, not the operation's.
        cases = (case for case in generator if case.method.upper() == operation.method.upper())
        for case in itertools.islice(cases, COVERAGE_CASES_PER_OPERATION):
            self.send(case)

    def examples(self, operation: APIOperation) -> None:
        real = {
            parameter.name: self.world.ids[WORLD_IDS[parameter.name]]
            for parameter in operation.path_parameters
            if parameter.name in WORLD_IDS
        }
        strategy = operation.as_strategy(path_parameters=real or None)

        @SETTINGS
        @hypothesis.given(case=strategy)
        def run(case: schemathesis.Case) -> None:
            self.send(case)

        run()


@pytest.mark.parametrize("caller", FUZZ_CALLERS)
def test_no_operation_answers_a_server_error(app: FastAPI, db: Session, caller: str) -> None:
    fuzz = Fuzz(world=build_world(db), caller=caller)
    schema = schemathesis.openapi.from_dict(app.openapi())
    schema.app = app  # requests go straight to the ASGI app, in this test's transaction
    for result in schema.get_all_operations():
        operation = result.ok()
        fuzz.coverage(operation)
        fuzz.examples(operation)
    assert not fuzz.errors, f"{len(fuzz.errors)} server errors:\n" + "\n".join(fuzz.errors)
