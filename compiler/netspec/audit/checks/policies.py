"""What endpoint policies allow: NS507, NS508, NS509, NS514 (the principal perimeter) and NS521
(the resource perimeter).

One small function per question, over the statements of every endpoint policy
(`endpoints.policy_holders`): a check of resource conditions (the data-perimeter
`aws:ResourceAccount` / `aws:ResourceOrgID` keys) fits in as one more function of the
same shape as `check_principal_perimeter`.

The perimeter is the deploying account, plus the spec's `perimeter` (`accounts`,
`org_id`). In a configuration the deploying account is the reference
`${data.aws_caller_identity.<name>.account_id}`; in a plan it is the account id of the
aws_caller_identity data source the plan read. When the spec names its `account`, that
literal is the deploying account too (the provider may run with no other: NS522). Any other
value, a literal account included, is outside.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from ... import catalog
from ...codes import code
from ...findings import Finding
from ..model import Module
from ..policy import Statement
from ..spec import CALLER_ACCOUNT, Expectation
from .common import listed, literal
from .endpoints import catalog_service, is_s3, policy_holders, statements

# Operators that limit a key to the listed values (negated and ...IfExists forms do not).
# Source: IAM User Guide, "IAM JSON policy elements: Condition operators".
LIMITING_OPERATORS = frozenset({"stringequals", "stringlike", "stringequalsignorecase", "arnequals", "arnlike"})
_CALLER_ACCOUNT = re.compile(r"\$\{data\.aws_caller_identity\.[A-Za-z_][A-Za-z0-9_-]*\.account_id\}")


@dataclass(frozen=True)
class Perimeter:
    """Who may use the endpoints: the deploying account, and the spec's accounts and organizations."""

    planned: bool  # a plan: the deploying account is a literal id, not a reference
    deploying: frozenset[str]  # plan: the account id(s) aws_caller_identity returned
    accounts: frozenset[str]  # the spec's perimeter accounts
    orgs: frozenset[str]
    named: str | None = None  # the account the spec is for: the deploying account, as a literal

    def has_account(self, value: str) -> bool:
        if value in self.accounts or value == self.named or (self.planned and value in self.deploying):
            return True
        return not self.planned and bool(_CALLER_ACCOUNT.fullmatch(value))

    def describe(self) -> str:
        deploying = "the deploying account"
        if self.named:
            deploying += f" {self.named}"
        elif self.planned:
            deploying += f" {', '.join(sorted(self.deploying))}" if self.deploying else \
                " (the plan shows no aws_caller_identity)"
        parts = [deploying]
        parts += [f"account {', '.join(sorted(self.accounts))}"] if self.accounts else []
        parts += [f"organization {', '.join(sorted(self.orgs))}"] if self.orgs else []
        return " or ".join(parts)


def perimeter(module: Module, spec: Expectation | None) -> Perimeter:
    return Perimeter(module.planned, module.accounts, spec.perimeter_accounts if spec else frozenset(),
                     spec.perimeter_orgs if spec else frozenset(), spec.account if spec else None)


def _arn_account(value: str) -> str:
    parts = value.split(":", 5)
    return parts[4] if len(parts) == 6 and parts[0] == "arn" else ""


# Condition keys that pin the caller, and whether one value of each is inside the perimeter.
# Source: IAM User Guide, "AWS global condition context keys" (aws:PrincipalAccount,
# aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:PrincipalArn).
PRINCIPAL_KEYS: dict[str, Callable[[Perimeter, str], bool]] = {
    "aws:principalaccount": lambda p, v: p.has_account(v),
    "aws:principalorgid": lambda p, v: v in p.orgs,
    "aws:principalorgpaths": lambda p, v: any(v.startswith(f"{org}/") for org in p.orgs),
    "aws:principalarn": lambda p, v: p.has_account(_arn_account(v)),
}


def principal_conditions(condition: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """(key, values) of every condition that limits the principal to listed values."""
    found = []
    for operator, tests in condition.items():
        if str(operator).lower() not in LIMITING_OPERATORS or not isinstance(tests, dict):
            continue
        for key, values in tests.items():
            if str(key).lower() in PRINCIPAL_KEYS:
                found.append((str(key).lower(), [str(v) for v in listed(values)]))
    return found


def _open_to_anyone(s: Statement) -> bool:
    """Allow, Principal *, every resource, and no condition naming a principal at all."""
    limited = any(values and not any(set(v) <= set("*?") for v in values)
                  for _, values in principal_conditions(s.condition))
    return s.allows and s.any_principal and (s.not_resource or "*" in s.resources) and not limited


# --- NS507 ----------------------------------------------------------------------------------


def check_open_policies(module: Module, spec: Expectation | None) -> Iterator[Finding]:
    for holder, _ in policy_holders(module):
        for i, s in enumerate(statements(holder), 1):
            if _open_to_anyone(s):
                yield code("NS507").at(holder.location, f"{holder.address}: statement {i} allows Principal * on "
                                                        "Resource * with no condition on the principal")


# --- NS508, NS509: the S3 endpoint ------------------------------------------------------------

# A bucket ARN needs a few fixed characters: `*`, `arn:aws:s3:::*` or `arn:*` reach any
# bucket. Legacy us-east-1 names may hold upper case and `_`.
_NARROW_S3_RESOURCE = re.compile(r"^arn:aws[a-z-]*:s3:::[A-Za-z0-9_][A-Za-z0-9._-]{2}")


def _broad_s3(statement: Statement) -> list[str]:
    problems = []
    if statement.not_action:
        problems.append("NotAction (every other action)")
    problems += [f"action {a!r}" for a in statement.actions if a.strip().lower() in ("*", "s3:*")]
    if statement.not_resource:
        problems.append("NotResource (every other resource)")
    problems += [f"resource {r!r}" for r in statement.resources if not _NARROW_S3_RESOURCE.match(r)]
    return problems


def check_s3_policy_scope(module: Module, spec: Expectation | None) -> Iterator[Finding]:
    for holder, endpoint in policy_holders(module):
        if not is_s3(module, endpoint):
            continue
        for i, s in enumerate(statements(holder), 1):
            problems = _broad_s3(s) if s.allows else []
            if problems:
                yield code("NS508").at(holder.location, f"{holder.address}: statement {i} allows {', '.join(problems)}")


def check_s3_buckets_match_spec(module: Module, spec: Expectation | None) -> Iterator[Finding]:
    if spec is None:
        return
    deploying = set(module.accounts if module.planned else (CALLER_ACCOUNT,)) | ({spec.account} if spec.account else set())
    allowed = spec.allowed_s3_resources(sorted(deploying))
    for holder, endpoint in policy_holders(module):
        if not is_s3(module, endpoint):
            continue
        for i, s in enumerate(statements(holder), 1):
            if not s.allows:
                continue
            extra = ["NotResource"] if s.not_resource else [r for r in s.resources if r not in allowed]
            if extra:
                yield code("NS509").at(holder.location, f"{holder.address}: statement {i} reaches "
                                                        f"{', '.join(map(repr, extra))}, not among the buckets "
                                                        f"of spec {spec.name!r}")


# --- NS514: every Allow statement keeps principals inside the perimeter -------------------------

# Statements that reach an AWS-owned bucket cannot name the caller: ECR, for one, hands the
# client a URL it signed itself, so the S3 request's principal is ECR's, not the caller's
# account (ECR User Guide, "Minimum Amazon S3 bucket permissions for Amazon ECR"). Such a
# statement is exempt from the principal condition when it is exactly one of the catalog's
# AWS-owned buckets (catalog.AWS_BUCKETS, owner "aws", with their sources): only that
# bucket's actions, only that bucket (in the spec's region and partition), nothing else.


def _aws_owned_statements(spec: Expectation | None) -> list[tuple[frozenset[str], re.Pattern[str]]]:
    region = re.escape(spec.region) if spec else r"[a-z]{2}(?:-[a-z]+)+-[0-9]"
    partition = re.escape(spec.arn_prefix) if spec else r"arn:aws(?:-cn|-us-gov)?"
    found = []
    for bucket in catalog.AWS_BUCKETS.values():
        if bucket.owner != "aws":
            continue
        name = re.escape(bucket.template).replace(re.escape("{region}"), region)
        objects = r"/\*" if bucket.objects_only else r"(?:/\*)?"
        found.append((frozenset(bucket.actions), re.compile(f"{partition}:s3:::{name}{objects}")))
    return found


def _aws_owned(s: Statement, spec: Expectation | None) -> bool:
    if s.not_action or s.not_resource or s.condition or not s.actions or not s.resources or not s.any_principal:
        return False
    return any(set(s.actions) <= actions and all(pattern.fullmatch(r) for r in s.resources)
               for actions, pattern in _aws_owned_statements(spec))


def _principal_problem(s: Statement, inside: Perimeter) -> str | None:
    if not s.any_principal:
        outside = [p for p in s.principals
                   if not inside.has_account(p if re.fullmatch(r"[0-9]{12}", p) else _arn_account(p))]
        return f"names principal(s) {', '.join(outside)}, outside the perimeter ({inside.describe()})" if outside else None
    tests = principal_conditions(s.condition)
    if any(values and all(PRINCIPAL_KEYS[key](inside, v) for v in values) for key, values in tests):
        return None
    if not tests:
        return f"allows any principal with no condition keeping it inside the perimeter ({inside.describe()})"
    outside = sorted({v for key, values in tests for v in values if not PRINCIPAL_KEYS[key](inside, v)} or {"nothing"})
    return f"limits the principal to {', '.join(outside)}, outside the perimeter ({inside.describe()})"


def check_principal_perimeter(module: Module, spec: Expectation | None) -> Iterator[Finding]:
    inside = perimeter(module, spec)
    for holder, _ in policy_holders(module):
        for i, s in enumerate(statements(holder), 1):
            if not s.allows or _open_to_anyone(s) or _aws_owned(s, spec):  # the wide-open case is NS507's
                continue
            problem = _principal_problem(s, inside)
            if problem:
                sid = f" ({s.sid})" if s.sid else ""
                yield code("NS514").at(holder.location, f"{holder.address}: statement {i}{sid} {problem}")


# --- NS521: every Allow statement keeps resources inside the perimeter -------------------------

# Condition keys that pin the resource's owner. s3:ResourceAccount may also name an owner the
# spec gives a bucket (`account:`). Sources: IAM User Guide, "AWS global condition context keys"
# (aws:ResourceAccount, aws:ResourceOrgID); S3 User Guide, "Amazon S3 condition key examples",
# example 7 (s3:ResourceAccount).
RESOURCE_KEYS: dict[str, Callable[[Perimeter, str, frozenset[str]], bool]] = {
    "aws:resourceaccount": lambda p, v, owners: p.has_account(v),
    "aws:resourceorgid": lambda p, v, owners: v in p.orgs,
    "s3:resourceaccount": lambda p, v, owners: p.has_account(v) or v in owners,
}


def _resource_tests(condition: dict[str, Any]) -> list[tuple[str, list[str]]]:
    found = []
    for operator, tests in condition.items():
        if str(operator).lower() in LIMITING_OPERATORS and isinstance(tests, dict):
            found += [(str(k).lower(), [str(v) for v in listed(values)]) for k, values in tests.items()
                      if str(k).lower() in RESOURCE_KEYS]
    return found


def _checks_resources(module: Module, endpoint: Any) -> bool:
    """Whether the endpoint's service can be held to the resource perimeter (catalog data).

    A service whose actions lack the keys (catalog `resource_keys`), and a team's own
    PrivateLink service, are held to the principal perimeter only; an endpoint whose service
    the audit cannot name is held to both (fail closed).
    """
    if endpoint is None:
        return True
    name = literal(module, endpoint, endpoint.values.get("service_name"))
    service = catalog_service(name)
    if service is not None:
        return service.resource_keys
    return not (isinstance(name, str) and name.startswith("com.amazonaws.vpce."))


def check_resource_perimeter(module: Module, spec: Expectation | None) -> Iterator[Finding]:
    inside = perimeter(module, spec)
    owners = spec.bucket_accounts if spec else frozenset()
    for holder, endpoint in policy_holders(module):
        if not _checks_resources(module, endpoint):
            continue
        for i, s in enumerate(statements(holder), 1):
            if not s.allows or _open_to_anyone(s) or _aws_owned(s, spec):
                continue
            tests = _resource_tests(s.condition)
            if any(values and all(RESOURCE_KEYS[key](inside, v, owners) for v in values) for key, values in tests):
                continue
            sid = f" ({s.sid})" if s.sid else ""
            if not tests:
                problem = f"has no condition keeping the resource inside the perimeter ({inside.describe()})"
            else:
                outside = sorted({v for key, values in tests for v in values if not RESOURCE_KEYS[key](inside, v, owners)})
                problem = f"limits the resource to {', '.join(outside) or 'nothing'}, outside the perimeter"
            yield code("NS521").at(holder.location, f"{holder.address}: statement {i}{sid} {problem}")
