"""Flow logs: NS510 (missing), NS515 (not all traffic), NS516 (kept too briefly), NS519 (off by the spec).

The spec decides: flow logs on (the default) means every VPC has an aws_flow_log, and
every flow log in the module records `ALL` traffic into a CloudWatch log group kept at
least the spec's `retention_days` (default 365; without a spec, 365 too: netspec's
default is the floor). A log group without `retention_in_days`, or with 0, never expires.
With `flow_logs: false`, a VPC without flow logs is a warning (NS519), once per module;
flow logs the module has anyway are still checked.
"""

from __future__ import annotations

from typing import Iterator

from ...codes import code
from ...findings import Finding
from ..model import Module, Resource
from ..spec import DEFAULT_RETENTION_DAYS, Expectation
from .common import covers, literal

CLOUDWATCH = "cloud-watch-logs"  # aws_flow_log's log_destination_type default


def check_flow_logs(module: Module, spec: Expectation | None) -> Iterator[Finding]:
    if spec is not None and not spec.flow_logs:
        return  # NS519's
    logs = module.of_type("aws_flow_log")
    for vpc in module.of_type("aws_vpc"):
        if not any(covers(log, vpc, "vpc_id") for log in logs):
            yield code("NS510").at(vpc.location, f"{vpc.address}: no aws_flow_log records this VPC's traffic")


def check_flow_logs_off(module: Module, spec: Expectation | None) -> Iterator[Finding]:
    if spec is None or spec.flow_logs:
        return
    logs = module.of_type("aws_flow_log")
    bare = [vpc for vpc in module.of_type("aws_vpc") if not any(covers(log, vpc, "vpc_id") for log in logs)]
    if bare:
        yield code("NS519").at(bare[0].location, f"{', '.join(v.address for v in bare)}: no flow logs, as spec "
                                                 f"{spec.name!r} asks (flow_logs: false)")


def check_flow_log_traffic(module: Module, spec: Expectation | None) -> Iterator[Finding]:
    for log in module.of_type("aws_flow_log"):
        traffic = literal(module, log, log.values.get("traffic_type"))
        if isinstance(traffic, str) and traffic != "ALL":
            yield code("NS515").at(log.location, f"{log.address}: traffic_type is {traffic!r}: only part of the "
                                                 "traffic is recorded")


def _log_group(module: Module, log: Resource) -> Resource | None:
    return next((g for g in module.of_type("aws_cloudwatch_log_group")
                 if log.refers_to(g, "log_destination") or log.refers_to(g, "log_group_name")), None)


def _days(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, str) and value.strip().isdigit() else None


def check_flow_log_retention(module: Module, spec: Expectation | None) -> Iterator[Finding]:
    required = spec.retention_days if spec is not None else DEFAULT_RETENTION_DAYS
    for log in module.of_type("aws_flow_log"):
        destination = literal(module, log, log.values.get("log_destination_type")) or CLOUDWATCH
        if destination != CLOUDWATCH:
            if isinstance(destination, str):
                yield code("NS516").at(log.location, f"{log.address}: logs go to {destination}, whose retention "
                                                     f"the audit cannot check (at least {required} days required)")
            continue
        group = _log_group(module, log)
        if group is None:
            yield code("NS516").at(log.location, f"{log.address}: its log group is not part of this module: "
                                                 f"retention of at least {required} days cannot be checked")
            continue
        raw = group.values.get("retention_in_days")
        days = _days(literal(module, group, raw))
        if days is None or days == 0 or days >= required:
            continue  # never expires, or an expression (NS511's)
        source = f"spec {spec.name!r} asks" if spec else "netspec keeps by default"
        yield code("NS516").at(group.location, f"{group.address}: flow logs kept {days} day(s), less than the "
                                               f"{required} days {source}")
