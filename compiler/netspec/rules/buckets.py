"""Bucket rules: S3 naming, wildcards, and the link between `buckets` and `s3`."""

from __future__ import annotations

import ipaddress
import re
from typing import Iterator

from ..codes import Code
from ..findings import Finding
from .base import SpecView, repeats, rule

# S3 general purpose bucket naming rules (AWS S3 User Guide, "Bucket naming rules").
_CHARS = re.compile(r"^[a-z0-9.-]+$")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
MIN_WILDCARD_PREFIX = 3


def bucket_name_problem(name: str) -> str | None:
    """Why `name` breaks S3's naming rules (a trailing * is a prefix wildcard), or None."""
    wildcard = name.endswith("*")
    stem = name[:-1] if wildcard else name
    if not _CHARS.match(stem):
        return "may hold only lowercase letters, digits, '.' and '-' (and one trailing *)"
    if not wildcard and not 3 <= len(stem) <= 63:
        return f"is {len(stem)} characters; bucket names are 3 to 63"
    if wildcard and len(stem) > 62:
        return "has a prefix longer than a bucket name allows"
    if not stem[0].isalnum():
        return "must start with a letter or digit"
    if not wildcard and not stem[-1].isalnum():
        return "must end with a letter or digit"
    if ".." in stem:
        return "may not hold two adjacent periods"
    if stem.startswith(_RESERVED_PREFIXES):
        return f"may not start with a prefix AWS reserves ({', '.join(_RESERVED_PREFIXES)})"
    if not wildcard and stem.endswith(_RESERVED_SUFFIXES):
        return f"may not end with a suffix AWS reserves ({', '.join(_RESERVED_SUFFIXES)})"
    try:
        ipaddress.IPv4Address(stem)
        return "may not be formatted as an IP address"
    except ValueError:
        return None


@rule("NS230")
def buckets_without_s3(view: SpecView, code: Code) -> Iterator[Finding]:
    if view.data.get("buckets") and "s3" not in view.data["services"]:
        yield code.at(view.doc.key_at(("buckets",)), "`buckets` are listed but `s3` is not in services")


@rule("NS231")
def s3_without_buckets(view: SpecView, code: Code) -> Iterator[Finding]:
    services = list(view.data["services"])
    if "s3" in services and not view.data.get("buckets"):
        yield code.at(view.doc.at(("services", services.index("s3"))),
                      "the s3 endpoint needs the buckets it may reach; without them its policy would allow none",
                      hint="add `buckets: [{name: my-bucket, access: read}]`")


@rule("NS232")
def invalid_bucket_name(view: SpecView, code: Code) -> Iterator[Finding]:
    for i, bucket in view.indexed("buckets"):
        problem = bucket_name_problem(bucket["name"])
        if problem:
            yield code.at(view.doc.at(("buckets", i, "name")), f"bucket name {bucket['name']!r} {problem}")


@rule("NS233")
def duplicate_bucket(view: SpecView, code: Code) -> Iterator[Finding]:
    names = [bucket["name"] for _, bucket in view.indexed("buckets")]
    for i, first in repeats(names):
        yield code.at(view.doc.at(("buckets", i, "name")), f"bucket {names[i]!r} is listed twice",
                      related=(view.doc.at(("buckets", first, "name")),))


@rule("NS234")
def wildcard_too_broad(view: SpecView, code: Code) -> Iterator[Finding]:
    for i, bucket in view.indexed("buckets"):
        name = bucket["name"]
        if name.endswith("*") and len(name) - 1 < MIN_WILDCARD_PREFIX:
            yield code.at(view.doc.at(("buckets", i, "name")),
                          f"wildcard {name!r} matches buckets of other owners too broadly")
