"""NS522: a module whose spec names its account runs with that account's credentials only.

A spec's `account` (or its folder's default in netspec.toml) is written into the module's
policies as a literal: the deploying account. That is only true if Terraform can run the module
in no other account, which the aws provider's `allowed_account_ids` enforces before it reads or
changes anything (hashicorp/aws provider docs, "Argument Reference"). So every aws provider
configuration of the module must allow exactly that account; a module with no provider block
(compiled with --module) is governed by its caller's provider and passes. In a plan, the
provider configuration's constant is checked the same way, and an account the plan read
(aws_caller_identity) must be that one.
"""

from __future__ import annotations

from typing import Iterator

from ...codes import code
from ...findings import Finding, Location
from ..model import Module
from ..spec import Expectation


def check_account(module: Module, spec: Expectation | None) -> Iterator[Finding]:
    if spec is None or not spec.account:
        return
    for provider in module.providers:
        if provider.name.split(".")[0] != "aws":
            continue
        allowed = provider.values.get("allowed_account_ids")
        if allowed == [spec.account]:
            continue
        shown = "not set" if allowed is None else f"{allowed!r}"
        yield code("NS522").at(provider.location, f"provider {provider.name}: allowed_account_ids is {shown}; spec "
                                                  f"{spec.name!r} is for account {spec.account} only")
    others = sorted(module.accounts - {spec.account})
    if module.planned and others:
        yield code("NS522").at(Location(module.label), f"the plan was made in account {', '.join(others)}; spec "
                                                       f"{spec.name!r} is for account {spec.account}")
