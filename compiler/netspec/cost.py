"""What a network's endpoints cost each month before any traffic: the fixed part of the bill (pure).

AWS PrivateLink pricing (https://aws.amazon.com/privatelink/pricing/, stored copy read
2026-11-29): "You will be billed for each hour that your VPC endpoint remains provisioned in
each Availability Zone", and "Each partial VPC endpoint-hour consumed is billed as a full
hour". So an interface endpoint costs its region's hourly price in every zone it is placed in,
all month. Gateway endpoints (S3, DynamoDB) are free: "There is no additional charge for using
gateway endpoints" (PrivateLink Guide, "Gateway endpoints",
https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html).

A month is 730 hours (8,760 hours in a 365-day year / 12). What depends on traffic is named,
never estimated: data processed by interface endpoints (per GB, tiered per region) and
CloudWatch Logs ingestion of the flow logs and DNS query logs. Some AWS services include their
endpoints' cost in their own price (same page); netspec does not know which, and counts them.

A region without a confirmed price has no estimate: the output says "no confirmed price for
REGION" instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Mapping

from .model import Network

HOURS_PER_MONTH = 730
CURRENCY = "USD"
PRICING_PAGE = "https://aws.amazon.com/privatelink/pricing/"
_PRICE_LIST = ("AWS Price List API (service AmazonVPC, product family VpcEndpoint, usage type {usage}), as "
               "quoted by {who}")


@dataclass(frozen=True)
class Price:
    """The price of one interface endpoint in one Availability Zone for one hour."""

    hourly: Decimal
    usage_type: str
    source: str
    as_of: str  # the date the source gives for the price


# Per region, with where each figure comes from. Only regions with a figure from the Price List
# (in third-party copies: the hourly table on AWS's page is rendered in the browser, so no stored
# copy of it exists) are listed; every other region has no confirmed price.
PRICES: Mapping[str, Price] = MappingProxyType({
    "us-east-1": Price(Decimal("0.01"), "VpcEndpoint-Hours",
                       _PRICE_LIST.format(usage="VpcEndpoint-Hours, SKU EN2N5TATXE673A3B",
                                          who="a note generated from the API on 2025-10-28"), "2025-10-01"),
    "us-west-2": Price(Decimal("0.01"), "USW2-VpcEndpoint-Hours",
                       _PRICE_LIST.format(usage="USW2-VpcEndpoint-Hours", who="a third-party price table"),
                       "2026-10-06"),
    "eu-central-1": Price(Decimal("0.012"), "EUC1-VpcEndpoint-Hours",
                          _PRICE_LIST.format(usage="EUC1-VpcEndpoint-Hours",
                                             who="a price file checked against a cost and usage report"),
                          "2026-09-09"),
    "ap-southeast-1": Price(Decimal("0.013"), "APS1-VpcEndpoint-Hours",
                            _PRICE_LIST.format(usage="APS1-VpcEndpoint-Hours", who="two independent price tables"),
                            "undated"),
    "ap-northeast-1": Price(Decimal("0.014"), "APN1-VpcEndpoint-Hours",
                            _PRICE_LIST.format(usage="APN1-VpcEndpoint-Hours",
                                               who="three price tables, retrieved 2026-09-13"), "2026-09-13"),
})

# Named, not estimated: they depend on traffic. Source of the data-processing tiers: PRICING_PAGE
# ("Below pricing tiers apply on the total data processed by all Interface Endpoints in an AWS Region").
DATA_PROCESSING = ("data processed by interface endpoints: per GB, tiered over all interface endpoints of the "
                   "region ($0.01/GB for the first PB a month, $0.006 for the next 4 PB, $0.004 beyond, "
                   f"{PRICING_PAGE})")
FLOW_LOG_INGESTION = "CloudWatch Logs ingestion and storage of the flow logs (https://aws.amazon.com/cloudwatch/pricing/)"
DNS_LOG_INGESTION = "CloudWatch Logs ingestion and storage of the DNS query logs (https://aws.amazon.com/cloudwatch/pricing/)"


@dataclass(frozen=True)
class EndpointCost:
    service: str
    type: str  # "Interface" | "Gateway"
    zones: int  # zones billed: an interface endpoint's; 0 for a gateway endpoint (free)
    monthly: Decimal | None  # None: no confirmed price for the region


@dataclass(frozen=True)
class Cost:
    region: str
    price: Price | None
    endpoints: tuple[EndpointCost, ...]
    endpoint_zone_hours: int  # interface endpoint-zone-hours a month
    not_estimated: tuple[str, ...]

    @property
    def monthly(self) -> Decimal | None:
        """The fixed monthly cost of the endpoints; None when the region has no confirmed price."""
        if self.price is None:
            return None if self.endpoint_zone_hours else Decimal("0")
        return sum((e.monthly or Decimal("0") for e in self.endpoints), Decimal("0"))

    @property
    def note(self) -> str:
        return "" if self.monthly is not None else f"no confirmed price for {self.region}"

    def as_dict(self) -> dict[str, object]:
        return {
            "currency": CURRENCY, "monthly": money_value(self.monthly), "note": self.note,
            "hours_per_month": HOURS_PER_MONTH, "endpoint_zone_hours": self.endpoint_zone_hours,
            "price_per_endpoint_zone_hour": money_value(self.price.hourly) if self.price else None,
            "price_source": self.price.source if self.price else None,
            "price_as_of": self.price.as_of if self.price else None,
            "endpoints": [{"service": e.service, "type": e.type, "zones": e.zones, "monthly": money_value(e.monthly)}
                          for e in self.endpoints],
            "not_estimated": list(self.not_estimated),
        }


def monthly_cost(network: Network) -> Cost:
    price = PRICES.get(network.region.name)
    hours = Decimal(HOURS_PER_MONTH)
    endpoints = []
    for e in network.endpoints:
        if e.is_gateway:
            endpoints.append(EndpointCost(e.service.key, "Gateway", 0, Decimal("0")))
            continue
        zones = len(network.endpoint_subnets(e))
        endpoints.append(EndpointCost(e.service.key, "Interface", zones,
                                      price.hourly * hours * zones if price else None))
    named = [DATA_PROCESSING] if network.interface_endpoints else []
    named += [FLOW_LOG_INGESTION] if network.flow_logs is not None else []
    named += [DNS_LOG_INGESTION] if network.logging.dns_query_logs else []
    zone_hours = sum(e.zones for e in endpoints) * HOURS_PER_MONTH
    return Cost(network.region.name, price, tuple(endpoints), zone_hours, tuple(named))


def money_value(amount: Decimal | None) -> float | None:
    """An amount for JSON: a number with cents."""
    return None if amount is None else float(amount.quantize(Decimal("0.01")))


def money(amount: Decimal | None, *, sign: bool = False) -> str:
    """$1,234.50 (or +$12.00 / -$12.00 with `sign`)."""
    if amount is None:
        return "unknown"
    text = f"${abs(amount):,.2f}"
    if sign:
        return ("-" if amount < 0 else "+") + text
    return text
