"""What a spec promises about a module, read straight from its YAML.

Deliberately not the compiler's loader and model: the audit must not share the code
whose output it checks. Only the keys the checks need are read, leniently (a spec the
compiler would refuse has no module to audit anyway):

* `name`, `region`;
* `services`: catalog keys (strings) and custom PrivateLink services
  (`{name: X, service_name: com.amazonaws.vpce.<region>.vpce-svc-..., accepts_policy: true}`);
* `workloads`: the profiles listed (the buckets they imply come from the profile data);
* `buckets`: names as written, a trailing `*` included;
* `flow_logs`: `false`, or `{retention_days: N}`; absent or `true` is the default;
* `perimeter`: `{org_id: o-..., accounts: [...]}`, the identities endpoint policies may
  admit besides the deploying account;
* `account`: the account the network is for (or its folder's default in netspec.toml, which
  the audit applies from the configuration): the deploying account, written as a literal, and
  the only one the provider may run with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import yaml

from .. import catalog
from .. import workloads as profiles
from ..catalog import partition_arn_prefix
from ..files import NotRegular, TooLarge, read_bounded
from ..regions import region as lookup_region
from .values import MAX_DEPTH

# netspec's flow-log retention when a spec does not set one (build.DEFAULT_RETENTION_DAYS;
# a test keeps the two equal). Also the floor for a module audited without a spec.
DEFAULT_RETENTION_DAYS = 365
# How a configuration names the deploying account (what netspec writes into policies).
CALLER_ACCOUNT = "${data.aws_caller_identity.current.account_id}"


@dataclass(frozen=True)
class Expectation:
    name: str
    region: str
    services: frozenset[str]  # catalog keys
    buckets: tuple[str, ...]  # names as written, a trailing `*` included
    custom_services: frozenset[str] = frozenset()  # endpoint service names of custom PrivateLink services
    custom_policyless: frozenset[str] = frozenset()  # those of them without `accepts_policy: true`
    workloads: tuple[str, ...] = ()  # the spec's `workloads:`, which imply services and buckets
    flow_logs: bool = True
    retention_days: int = DEFAULT_RETENTION_DAYS
    perimeter_accounts: frozenset[str] = frozenset()  # besides the deploying account
    bucket_accounts: frozenset[str] = frozenset()  # owners the spec names for its buckets (`account:`)
    perimeter_orgs: frozenset[str] = frozenset()
    account: str | None = None  # the account the network is for (its spec's, or its folder's default)
    source: str = ""  # the spec file, for messages

    @property
    def arn_prefix(self) -> str:
        known = lookup_region(self.region)
        return partition_arn_prefix(known) if known is not None else "arn:aws"

    def implied_buckets(self) -> set[str]:
        """Buckets (catalog.AWS_BUCKETS keys) the spec's workloads and services need, from the data tables.

        Workload profiles (workloads.PROFILES, with their includes) name buckets and services;
        services name buckets (catalog.SERVICES[...].implies_buckets, e.g. the ECR image
        layers for ecr.dkr). Data with its sources, not the compiler's code.
        """
        keys: set[str] = set()
        services = set(self.services)
        pending = [w for w in self.workloads if w in profiles.PROFILES]
        seen: set[str] = set()
        while pending:
            profile = profiles.PROFILES[pending.pop()]
            if profile.key in seen:
                continue
            seen.add(profile.key)
            keys |= {key for key, _ in profile.buckets}
            services |= {key for key, _ in profile.services}
            pending += list(profile.includes)
        keys |= {b for s in services if s in catalog.SERVICES for b in catalog.SERVICES[s].implies_buckets}
        return keys

    def allowed_s3_resources(self, accounts: Iterable[str] = (CALLER_ACCOUNT,)) -> frozenset[str]:
        """The bucket ARNs (and their objects) an S3 endpoint policy may name.

        The spec's buckets and the buckets it implies. A bucket named after the account
        (SageMaker's default bucket) is accepted for the deploying account only: `accounts`
        are its spellings (the reference in a configuration, the account id in a plan).
        """
        names = list(self.buckets)
        for key in sorted(self.implied_buckets()):
            template = catalog.AWS_BUCKETS[key].template
            names += sorted({template.format(region=self.region, account=account) for account in accounts})
        s3 = f"{self.arn_prefix}:s3:::"
        return frozenset(arn for n in names for arn in (s3 + n, s3 + n + "/*"))


class SpecError(ValueError):
    """A spec the audit cannot read; `hint` says what to do when it is not a path's problem."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


_UNREADABLE_HINT = "run `netspec validate` on the spec: it reports each problem at its line"


def _account(value: Any) -> str | None:
    """An account id as written; YAML reads an unquoted one as an integer."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value).zfill(12)
    return value if isinstance(value, str) else None


def _strings(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [v for v in items if isinstance(v, str)]


def _items(value: Any) -> list[Any]:
    """A list's items; anything else (a spec the compiler refuses) holds none, so it allows nothing."""
    return value if isinstance(value, list) else []


def expectation_from(document: Any, source: str = "") -> Expectation:
    if not isinstance(document, dict):
        raise SpecError("spec is not a mapping")
    buckets, owners = [], set()
    for item in _items(document.get("buckets")):
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str):
            buckets.append(name)
        if isinstance(item, dict) and _account(item.get("account")):
            owners.add(_account(item.get("account")))
    services: set[str] = set()
    custom: set[str] = set()
    policyless: set[str] = set()
    for item in _items(document.get("services")):
        if isinstance(item, str):
            services.add(item)
        elif isinstance(item, dict) and isinstance(item.get("service_name"), str):
            custom.add(item["service_name"])
            if item.get("accepts_policy") is not True:
                policyless.add(item["service_name"])
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            services.add(item["name"])  # a catalog service placed in fewer zones
    flow = document.get("flow_logs", True)
    retention = flow.get("retention_days", DEFAULT_RETENTION_DAYS) if isinstance(flow, dict) else DEFAULT_RETENTION_DAYS
    perimeter = document.get("perimeter") if isinstance(document.get("perimeter"), dict) else {}
    accounts = {a for a in map(_account, _items(perimeter.get("accounts"))) if a}
    return Expectation(
        name=str(document.get("name", "")), region=str(document.get("region", "")),
        services=frozenset(services), buckets=tuple(buckets), custom_services=frozenset(custom),
        custom_policyless=frozenset(policyless),
        workloads=tuple(_strings(document.get("workloads") or [])), flow_logs=flow is not False,
        retention_days=retention if type(retention) is int else DEFAULT_RETENTION_DAYS,
        perimeter_accounts=frozenset(accounts), perimeter_orgs=frozenset(_strings(perimeter.get("org_id"))),
        bucket_accounts=frozenset(a for a in owners if a), account=_account(document.get("account")), source=source)


# A spec nests about five levels. libyaml composes recursively in C, without Python's recursion
# limit: a spec nested 100,000 deep would overflow the C stack. Event streams are flat, so the
# depth is checked there first; deeper than the audit's MAX_DEPTH, a spec is refused as PyYAML's
# RecursionError is.
_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
# Text libyaml may read where PyYAML refuses it, or read otherwise, goes to PyYAML alone: a tab (a
# separator to libyaml), a byte-order mark past the start, a `?` (`[a ?b]` is one scalar to it), a
# block scalar's header with a comment straight after it (`|#`); so does any text libyaml refuses,
# for PyYAML's own words. The audit reads a spec as `yaml.safe_load` does, only faster:
# tests/test_audit_specs.py compares the two, on cases and on generated text.
_PYTHON_ONLY = re.compile("[\t\ufeff?]|[|>][-+0-9]*#")
_C_LOADER = getattr(yaml, "CSafeLoader", None)  # PyYAML built with libyaml (every wheel is)


def _too_deep(text: str, loader: Any) -> bool:
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, _OPEN):
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif isinstance(event, _CLOSE):
            depth -= 1
    return False


def _load_yaml(text: str) -> Any:
    """What `yaml.safe_load` reads, through libyaml when it reads the text the same (five times
    faster); deeper than MAX_DEPTH, RecursionError."""
    if _C_LOADER is not None and not _PYTHON_ONLY.search(text):
        try:
            if _too_deep(text, _C_LOADER):
                raise RecursionError
            return yaml.load(text, Loader=_C_LOADER)
        except yaml.YAMLError:
            pass  # PyYAML's own reading says what is wrong, in its words
    if _too_deep(text, yaml.SafeLoader):
        raise RecursionError
    return yaml.safe_load(text)


def parse_expectation(raw: bytes, source: str) -> Expectation:
    try:
        document = _load_yaml(raw.decode("utf-8-sig"))
    except RecursionError:
        raise SpecError("the spec cannot be read: it is nested too deeply", _UNREADABLE_HINT) from None
    except (UnicodeDecodeError, yaml.YAMLError, ValueError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SpecError(f"the spec cannot be read ({first[:200]})", _UNREADABLE_HINT) from None
    return expectation_from(document, source)


MAX_SPEC_BYTES = 256 * 1024  # as the compiler's (a spec is a few KB); checked before reading


def read_spec_bytes(path: Path) -> bytes:
    """A spec's bytes, never blocking on a FIFO or device nor reading past MAX_SPEC_BYTES; raises SpecError."""
    try:
        return read_bounded(path, MAX_SPEC_BYTES)
    except NotRegular as exc:
        raise SpecError(f"{exc}, not a regular file") from None
    except TooLarge:
        raise SpecError(f"the file is over {MAX_SPEC_BYTES:,} bytes") from None
    except OSError as exc:
        raise SpecError(exc.strerror or str(exc)) from None


def read_expectation(path: Path) -> Expectation:
    return parse_expectation(read_spec_bytes(path), str(path))
