"""One small check per NS5xx code, each a pure function of a Module (and the spec it is audited against).

The checks read the resources as Terraform would create them and know nothing about
how netspec wrote them: a hand edit, an override file or a compiler bug all look the same.
By concern: `network` (gateways, public addresses, side doors), `routes`,
`security_groups`, `endpoints` (policies present, services), `policies` (what they
allow), `flow_logs`, and `evaluable` (values the audit cannot evaluate).
"""

from __future__ import annotations

from typing import Callable, Iterable

from ...findings import Finding
from ..model import Module
from ..spec import Expectation
from .accounts import check_account
from .endpoints import check_endpoint_policies_present, check_endpoint_services
from .evaluable import check_evaluable
from .flow_logs import check_flow_log_retention, check_flow_log_traffic, check_flow_logs, check_flow_logs_off
from .network import check_gateways, check_public_addresses, check_side_doors
from .policies import (check_open_policies, check_principal_perimeter, check_resource_perimeter,
                       check_s3_buckets_match_spec, check_s3_policy_scope)
from .routes import check_routes
from .security_groups import check_default_security_group, check_open_security_groups

Check = Callable[[Module, "Expectation | None"], Iterable[Finding]]

# Every check, in code order. NS517, NS518 and NS520 come from finding the spec (discovery.py).
CHECKS: tuple[tuple[str, Check], ...] = (
    ("NS501", check_gateways),
    ("NS502", check_routes),
    ("NS503", check_public_addresses),
    ("NS504", check_open_security_groups),
    ("NS505", check_default_security_group),
    ("NS506", check_endpoint_policies_present),
    ("NS507", check_open_policies),
    ("NS508", check_s3_policy_scope),
    ("NS509", check_s3_buckets_match_spec),
    ("NS510", check_flow_logs),
    ("NS511", check_evaluable),
    ("NS512", check_side_doors),
    ("NS513", check_endpoint_services),
    ("NS514", check_principal_perimeter),
    ("NS515", check_flow_log_traffic),
    ("NS516", check_flow_log_retention),
    ("NS519", check_flow_logs_off),
    ("NS521", check_resource_perimeter),
    ("NS522", check_account),
)


def run_checks(module: Module, spec: Expectation | None) -> list[Finding]:
    return [f for _, check in CHECKS for f in check(module, spec)]
