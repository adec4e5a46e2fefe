"""AWS Regions known to netspec, their Availability Zones, and zone -> subnet slot mapping.

A *slot* is a stable small integer per Availability Zone of a region, used to give each
zone a fixed subnet position.  Zone names map by letter (``a`` -> 0, ``b`` -> 1, ...),
zone IDs by number (``az1`` -> 0, ``az2`` -> 1, ...).  The two numberings are independent:
in the older Regions the letter-to-zone mapping differs per account, so a spec should use
one form consistently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

# Partition -> DNS suffix of its service endpoints.
# Source: AWS General Reference "Service endpoints" and "Endpoints and ARNs for Amazon Web
# Services in China" (docs.amazonaws.cn/en_us/general/latest/gr/rande.html); checked 2026-11-28.
_DNS_SUFFIX: Mapping[str, str] = MappingProxyType(
    {
        "aws": "amazonaws.com",
        "aws-cn": "amazonaws.com.cn",
        "aws-us-gov": "amazonaws.com",
    }
)


@dataclass(frozen=True)
class Region:
    name: str  # "us-east-1"
    partition: str  # "aws" | "aws-cn" | "aws-us-gov"
    zone_letters: str  # letters of its Availability Zones, contiguous from "a"
    zone_id_prefix: str  # "use1"; zone IDs are f"{prefix}-az{n}"
    zone_id_count: int  # highest az number that exists (use1-az1 .. use1-az6 -> 6)

    @property
    def dns_suffix(self) -> str:
        try:
            return _DNS_SUFFIX[self.partition]
        except KeyError:
            raise ValueError(f"unknown partition {self.partition!r} for region {self.name}") from None


# Regions and their Availability Zones.
# Sources (checked 2026-11-28):
#   - AWS "Regions and Availability Zones" guide: "AWS Availability Zones"
#     (docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html)
#     and "AZ IDs" (.../regions/az-ids.html): zone code = region code + letter; AZ ID =
#     region abbreviation + "-az" + number; the oldest Regions map letters per account.
#   - AWS "Getting Started with Amazon Web Services in China": Beijing and Ningxia have
#     three Availability Zones each.
#   - Region list per partition cross-checked against the endpoint data shipped in botocore.
# Not every row could be read from the AZ page itself; rows marked "(2)" rest on secondary
# sources (published describe-availability-zones outputs, SDK test data).  Letters are kept
# conservative-but-inclusive: every letter an account may see, also retired/constrained ones
# (us-west-1c, ap-northeast-1b, ca-central-1c), so zone_letters is always contiguous from "a".
# columns: name, partition, zone_letters, zone_id_prefix, zone_id_count
_REGION_TABLE: tuple[tuple[str, str, str, str, int], ...] = (
    # North America
    ("us-east-1", "aws", "abcdef", "use1", 6),
    ("us-east-2", "aws", "abc", "use2", 3),
    ("us-west-1", "aws", "abc", "usw1", 3),  # (2) accounts see two of the three
    ("us-west-2", "aws", "abcd", "usw2", 4),  # (2)
    ("ca-central-1", "aws", "abcd", "cac1", 4),  # (2) a, b, d usable; c retired
    ("ca-west-1", "aws", "abc", "caw1", 3),  # (2)
    ("mx-central-1", "aws", "abc", "mxc1", 3),  # (2)
    # South America
    ("sa-east-1", "aws", "abc", "sae1", 3),  # (2)
    # Europe
    ("eu-west-1", "aws", "abc", "euw1", 3),
    ("eu-west-2", "aws", "abc", "euw2", 3),  # (2)
    ("eu-west-3", "aws", "abc", "euw3", 3),  # (2)
    ("eu-central-1", "aws", "abc", "euc1", 3),  # (2)
    ("eu-central-2", "aws", "abc", "euc2", 3),  # (2)
    ("eu-north-1", "aws", "abc", "eun1", 3),  # (2)
    ("eu-south-1", "aws", "abc", "eus1", 3),  # (2)
    ("eu-south-2", "aws", "abc", "eus2", 3),  # (2)
    # Asia Pacific
    ("ap-east-1", "aws", "abc", "ape1", 3),  # (2)
    ("ap-east-2", "aws", "abc", "ape2", 3),  # (2)
    ("ap-south-1", "aws", "abc", "aps1", 3),  # (2)
    ("ap-south-2", "aws", "abc", "aps2", 3),  # (2)
    ("ap-northeast-1", "aws", "abcd", "apne1", 4),  # (2) a, c, d usable; b on old accounts
    ("ap-northeast-2", "aws", "abcd", "apne2", 4),  # (2)
    ("ap-northeast-3", "aws", "abc", "apne3", 3),  # (2)
    ("ap-southeast-1", "aws", "abc", "apse1", 3),  # (2)
    ("ap-southeast-2", "aws", "abc", "apse2", 3),  # (2)
    ("ap-southeast-3", "aws", "abc", "apse3", 3),  # (2)
    ("ap-southeast-4", "aws", "abc", "apse4", 3),  # (2)
    ("ap-southeast-5", "aws", "abc", "apse5", 3),  # (2)
    ("ap-southeast-6", "aws", "abc", "apse6", 3),  # (2)
    ("ap-southeast-7", "aws", "abc", "apse7", 3),  # (2)
    # Middle East, Israel, Africa
    ("me-south-1", "aws", "abc", "mes1", 3),  # (2)
    ("me-central-1", "aws", "abc", "mec1", 3),  # (2)
    ("il-central-1", "aws", "abc", "ilc1", 3),  # (2)
    ("af-south-1", "aws", "abc", "afs1", 3),  # (2)
    # AWS GovCloud (US)
    ("us-gov-west-1", "aws-us-gov", "abc", "usgw1", 3),  # (2)
    ("us-gov-east-1", "aws-us-gov", "abc", "usge1", 3),  # (2)
    # China; Beijing's zones are a, b, d (cnn1-az1, -az2, -az4) as far as known, so c is
    # included only to keep the letters contiguous.
    ("cn-north-1", "aws-cn", "abcd", "cnn1", 4),  # (2)
    ("cn-northwest-1", "aws-cn", "abc", "cnnw1", 3),  # (2)
)

REGIONS: Mapping[str, Region] = MappingProxyType({row[0]: Region(*row) for row in _REGION_TABLE})


def region(name: str) -> Region | None:
    """The Region called ``name``, or None when netspec does not know it."""
    return REGIONS.get(name)


_ZONE_ID = re.compile(r"([a-z]+[0-9]+)-az([1-9][0-9]*)")


def is_zone_id(zone: str) -> bool:
    """True for the AZ-ID form ("use1-az1"), False for anything else ("us-east-1a")."""
    return _ZONE_ID.fullmatch(zone) is not None


def zone_slot(region: Region, zone: str) -> int | None:
    """Slot of ``zone`` in ``region``: letter a=0, b=1, ... or az number - 1.

    None when the zone is malformed, belongs to another region, or names a letter or
    AZ number this region does not have.
    """
    match = _ZONE_ID.fullmatch(zone)
    if match is not None:
        prefix, number = match.group(1), int(match.group(2))
        if prefix != region.zone_id_prefix or number > region.zone_id_count:
            return None
        return number - 1
    if len(zone) != len(region.name) + 1 or not zone.startswith(region.name):
        return None
    letter = zone[-1]
    if letter not in region.zone_letters:
        return None
    return ord(letter) - ord("a")


def slot_count(region: Region) -> int:
    """How many stable subnet slots ``region`` needs (covers both zone forms)."""
    return max(len(region.zone_letters), region.zone_id_count)
