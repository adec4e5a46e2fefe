"""Bucket rules: S3 naming, wildcards, and the link between `buckets` and `s3`."""

from __future__ import annotations

import functools
import ipaddress
import re
from dataclasses import dataclass
from typing import Iterator

from ..codes import Code
from ..findings import Finding
from .base import SpecView, repeats, rule

# S3 general purpose bucket naming rules (AWS S3 User Guide, "Bucket naming rules",
# docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_DOTTED_DIGITS = re.compile(r"[0-9.]+")  # all an IPv4 address (which a name may not be) is made of
MIN_WILDCARD_PREFIX = 3


@dataclass(frozen=True)
class _Naming:
    chars: re.Pattern[str]
    chars_text: str
    max_length: int


_MODERN = _Naming(re.compile(r"[a-z0-9.-]+"), "lowercase letters, digits, '.' and '-'", 63)
# S3's legacy rules: before March 1, 2018, buckets created in US East (N. Virginia) could have
# names of up to 255 characters with upper-case letters and underscores; such buckets still exist.
_LEGACY = _Naming(re.compile(r"[A-Za-z0-9._-]+"), "letters, digits, '.', '_' and '-'", 255)


@functools.lru_cache(maxsize=4096)  # NS232 and NS235 both ask about every bucket of a spec
def bucket_name_problem(name: str, *, legacy: bool = False) -> str | None:
    """Why `name` breaks S3's naming rules (a trailing * is a prefix wildcard), or None.

    With `legacy`, the legacy us-east-1 rules: upper case, `_` and up to 255 characters.
    """
    rules = _LEGACY if legacy else _MODERN
    wildcard = name.endswith("*")
    stem = name[:-1] if wildcard else name
    if not rules.chars.fullmatch(stem):
        return f"may hold only {rules.chars_text} (and one trailing *)"
    if not wildcard and not 3 <= len(stem) <= rules.max_length:
        return f"is {len(stem)} characters; bucket names are 3 to {rules.max_length}"
    if wildcard and len(stem) > rules.max_length - 1:
        return "has a prefix longer than a bucket name allows"
    if not stem[0].isalnum():
        return "must start with a letter or digit"
    if not wildcard and not stem[-1].isalnum():
        return "must end with a letter or digit"
    if ".." in stem:
        return "may not hold two adjacent periods"
    if stem.lower().startswith(_RESERVED_PREFIXES):
        return f"may not start with a prefix AWS reserves ({', '.join(_RESERVED_PREFIXES)})"
    if not wildcard and stem.lower().endswith(_RESERVED_SUFFIXES):
        return f"may not end with a suffix AWS reserves ({', '.join(_RESERVED_SUFFIXES)})"
    if _DOTTED_DIGITS.fullmatch(stem) is None:
        return None  # only digits and periods can form an address: most names are ruled out without parsing
    try:
        ipaddress.IPv4Address(stem)
        return "may not be formatted as an IP address"
    except ValueError:
        return None


def is_legacy_name(name: str) -> bool:
    """A name that only S3's legacy us-east-1 rules allow."""
    return bucket_name_problem(name) is not None and bucket_name_problem(name, legacy=True) is None


@rule("NS230", needs=("services", "workloads"))
def buckets_without_s3(view: SpecView, code: Code) -> Iterator[Finding]:
    if view.data.get("buckets") and view.requirements is not None and "s3" not in view.service_keys:
        yield code.at(view.doc.key_at(("buckets",)), "`buckets` are listed but the network has no `s3` endpoint",
                      hint="add `s3` to services (or a workload that uses S3), or remove `buckets`")


@rule("NS231", needs=("buckets", "workloads"))
def s3_without_buckets(view: SpecView, code: Code) -> Iterator[Finding]:
    requirements = view.requirements
    if requirements is None or "s3" not in view.service_keys or view.data.get("buckets") or requirements.buckets:
        return
    listed = next((i for i, name, _ in view.service_entries() if name == "s3"), None)
    _, reasons, _ = next(item for item in requirements.services if item[0].key == "s3")
    where = view.doc.at(("services", listed)) if listed is not None else view.doc.key_at(("workloads",))
    asked = "the s3 endpoint" if listed is not None else f"the s3 endpoint (needed by {reasons[0].by})"
    yield code.at(where, f"{asked} needs the buckets it may reach; without them its policy would allow none",
                  hint="add `buckets: [{name: my-bucket, access: read}]`")


@rule("NS232")
def invalid_bucket_name(view: SpecView, code: Code) -> Iterator[Finding]:
    for i, bucket in view.indexed("buckets"):
        problem = bucket_name_problem(bucket["name"])
        if problem and not is_legacy_name(bucket["name"]):
            yield code.at(view.doc.at(("buckets", i, "name")), f"bucket name {bucket['name']!r} {problem}")


@rule("NS236")
def writable_wildcard_without_owner(view: SpecView, code: Code) -> Iterator[Finding]:
    for i, bucket in view.indexed("buckets"):
        if bucket["name"].endswith("*") and "write" in bucket["access"] and "account" not in bucket:
            yield code.at(view.doc.at(("buckets", i, "name")),
                          f"wildcard {bucket['name']!r} with {bucket['access']} access and no `account`: the VPC "
                          "could write to any account's bucket whose name matches")


@rule("NS237")
def wildcard_without_owner(view: SpecView, code: Code) -> Iterator[Finding]:
    for i, bucket in view.indexed("buckets"):
        if bucket["name"].endswith("*") and bucket["access"] == "read" and "account" not in bucket:
            yield code.at(view.doc.at(("buckets", i, "name")),
                          f"wildcard {bucket['name']!r} has no `account`: it reaches matching buckets of any owner "
                          "inside the perimeter")


@rule("NS235")
def legacy_bucket_name(view: SpecView, code: Code) -> Iterator[Finding]:
    for i, bucket in view.indexed("buckets"):
        if is_legacy_name(bucket["name"]):
            yield code.at(view.doc.at(("buckets", i, "name")),
                          f"bucket name {bucket['name']!r} follows S3's legacy us-east-1 rules (upper case, '_' or "
                          "over 63 characters): such a bucket works with path-style addresses only, never "
                          "virtual-hosted-style ones; its ARN is used exactly as written")


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
