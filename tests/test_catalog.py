"""Tests for netspec.regions and netspec.catalog."""

from __future__ import annotations

import re

import pytest

from netspec.catalog import (
    SERVICES,
    EndpointType,
    Service,
    UnsupportedService,
    available_in,
    ecr_layer_bucket_arn,
    endpoint_service_name,
    partition_arn_prefix,
)
from netspec.regions import REGIONS, Region, is_zone_id, region, slot_count, zone_slot

REQUIRED_KEYS = (
    "s3",
    "dynamodb",
    "sagemaker.api",
    "sagemaker.runtime",
    "sagemaker.notebook",
    "sagemaker.studio",
    "sts",
    "logs",
    "monitoring",
    "ecr.api",
    "ecr.dkr",
    "kms",
    "ssm",
    "secretsmanager",
    "codecommit",
    "git-codecommit",
    "codeartifact.api",
    "codeartifact.repositories",
)

# The documented service name of each required service in us-east-1.
US_EAST_1_NAMES = {
    "s3": "com.amazonaws.us-east-1.s3",
    "dynamodb": "com.amazonaws.us-east-1.dynamodb",
    "sagemaker.api": "com.amazonaws.us-east-1.sagemaker.api",
    "sagemaker.runtime": "com.amazonaws.us-east-1.sagemaker.runtime",
    "sagemaker.notebook": "aws.sagemaker.us-east-1.notebook",
    "sagemaker.studio": "aws.sagemaker.us-east-1.studio",
    "sts": "com.amazonaws.us-east-1.sts",
    "logs": "com.amazonaws.us-east-1.logs",
    "monitoring": "com.amazonaws.us-east-1.monitoring",
    "ecr.api": "com.amazonaws.us-east-1.ecr.api",
    "ecr.dkr": "com.amazonaws.us-east-1.ecr.dkr",
    "kms": "com.amazonaws.us-east-1.kms",
    "ssm": "com.amazonaws.us-east-1.ssm",
    "secretsmanager": "com.amazonaws.us-east-1.secretsmanager",
    "codecommit": "com.amazonaws.us-east-1.codecommit",
    "git-codecommit": "com.amazonaws.us-east-1.git-codecommit",
    "codeartifact.api": "com.amazonaws.us-east-1.codeartifact.api",
    "codeartifact.repositories": "com.amazonaws.us-east-1.codeartifact.repositories",
}


def _region(name: str) -> Region:
    found = region(name)
    assert found is not None, name
    return found


# --- regions ---------------------------------------------------------------------------


def test_required_partition_regions_present() -> None:
    for name, partition in (
        ("us-east-1", "aws"),
        ("eu-west-1", "aws"),
        ("us-gov-west-1", "aws-us-gov"),
        ("us-gov-east-1", "aws-us-gov"),
        ("cn-north-1", "aws-cn"),
        ("cn-northwest-1", "aws-cn"),
    ):
        assert _region(name).partition == partition


def test_unknown_region_is_none() -> None:
    assert region("us-east-9") is None
    assert region("") is None


def test_region_table_is_consistent() -> None:
    for name, reg in REGIONS.items():
        assert reg.name == name
        assert reg.partition in {"aws", "aws-cn", "aws-us-gov"}
        # letters are contiguous from "a", so letter slots never exceed slot_count
        assert reg.zone_letters == "abcdefghij"[: len(reg.zone_letters)], name
        assert len(reg.zone_letters) >= 3, name
        assert reg.zone_id_count >= 3, name
        assert re.fullmatch(r"[a-z]+[0-9]+", reg.zone_id_prefix), name
        # the AZ-ID prefix ends with the region's trailing number
        assert reg.zone_id_prefix[-1] == name[-1], name
        assert name.startswith("cn-") == (reg.partition == "aws-cn")
        assert name.startswith("us-gov-") == (reg.partition == "aws-us-gov")
    prefixes = [reg.zone_id_prefix for reg in REGIONS.values()]
    assert len(prefixes) == len(set(prefixes))


def test_dns_suffix() -> None:
    assert _region("us-east-1").dns_suffix == "amazonaws.com"
    assert _region("us-gov-west-1").dns_suffix == "amazonaws.com"
    assert _region("cn-north-1").dns_suffix == "amazonaws.com.cn"


def test_known_zone_facts() -> None:
    use1 = _region("us-east-1")
    assert (use1.zone_letters, use1.zone_id_prefix, use1.zone_id_count) == ("abcdef", "use1", 6)
    euw1 = _region("eu-west-1")
    assert (euw1.zone_letters, euw1.zone_id_prefix, euw1.zone_id_count) == ("abc", "euw1", 3)
    assert _region("us-west-1").zone_letters == "abc"
    assert _region("us-gov-west-1").zone_id_prefix == "usgw1"
    assert _region("cn-northwest-1").zone_id_prefix == "cnnw1"


def test_is_zone_id() -> None:
    assert is_zone_id("use1-az1")
    assert is_zone_id("apse2-az3")
    assert is_zone_id("usgw1-az2")
    assert not is_zone_id("us-east-1a")
    assert not is_zone_id("use1-az0")
    assert not is_zone_id("use1-bos1-az1")  # Local Zone ID
    assert not is_zone_id("")


def test_zone_slot_by_name() -> None:
    use1 = _region("us-east-1")
    assert zone_slot(use1, "us-east-1a") == 0
    assert zone_slot(use1, "us-east-1c") == 2
    assert zone_slot(use1, "us-east-1f") == 5


def test_zone_slot_by_id() -> None:
    use1 = _region("us-east-1")
    assert zone_slot(use1, "use1-az1") == 0
    assert zone_slot(use1, "use1-az3") == 2
    assert zone_slot(use1, "use1-az6") == 5


@pytest.mark.parametrize(
    "zone",
    [
        "us-east-2a",  # another region's zone name
        "use2-az1",  # another region's zone id
        "us-east-1g",  # letter us-east-1 does not have
        "use1-az7",  # az number us-east-1 does not have
        "use1-az0",
        "use1-az01",
        "us-east-1",  # no letter
        "us-east-1ab",
        "US-EAST-1A",
        "us-east-1-bos-1a",  # Local Zone
        "",
    ],
)
def test_zone_slot_rejects(zone: str) -> None:
    assert zone_slot(_region("us-east-1"), zone) is None


def test_zone_slot_letter_out_of_range_small_region() -> None:
    euw1 = _region("eu-west-1")
    assert zone_slot(euw1, "eu-west-1c") == 2
    assert zone_slot(euw1, "eu-west-1d") is None
    assert zone_slot(euw1, "euw1-az4") is None
    # a zone of eu-west-1 is not a zone of eu-west-2, in either form
    assert zone_slot(_region("eu-west-2"), "eu-west-1a") is None
    assert zone_slot(_region("eu-west-2"), "euw1-az1") is None


def test_slot_count() -> None:
    assert slot_count(_region("us-east-1")) == 6
    assert slot_count(_region("us-west-2")) == 4
    assert slot_count(_region("eu-west-1")) == 3
    for reg in REGIONS.values():
        count = slot_count(reg)
        assert count == max(len(reg.zone_letters), reg.zone_id_count)
        for letter in reg.zone_letters:
            slot = zone_slot(reg, reg.name + letter)
            assert slot is not None and 0 <= slot < count
        for number in range(1, reg.zone_id_count + 1):
            slot = zone_slot(reg, f"{reg.zone_id_prefix}-az{number}")
            assert slot is not None and 0 <= slot < count


# --- catalog ---------------------------------------------------------------------------


def test_required_keys_present_in_documentation_order() -> None:
    for key in REQUIRED_KEYS:
        assert key in SERVICES, key
    assert list(SERVICES)[:2] == ["s3", "dynamodb"]
    for key, service in SERVICES.items():
        assert service.key == key
        assert service.summary and "\n" not in service.summary


def test_us_east_1_names() -> None:
    use1 = _region("us-east-1")
    for key, expected in US_EAST_1_NAMES.items():
        assert endpoint_service_name(SERVICES[key], use1) == expected


def test_gateway_vs_interface() -> None:
    gateways = {key for key, s in SERVICES.items() if s.endpoint_type is EndpointType.GATEWAY}
    assert gateways == {"s3", "dynamodb"}
    for key, service in SERVICES.items():
        if service.endpoint_type is EndpointType.GATEWAY:
            assert not service.private_dns, key
            assert service.accepts_policy, key
        else:
            assert service.private_dns, key
    assert EndpointType.GATEWAY.value == "Gateway"
    assert EndpointType.INTERFACE == "Interface"


def test_sagemaker_notebook_and_studio_form() -> None:
    for name in ("eu-west-1", "ap-southeast-2", "cn-north-1", "cn-northwest-1"):
        reg = _region(name)
        assert endpoint_service_name(SERVICES["sagemaker.notebook"], reg) == (
            f"aws.sagemaker.{name}.notebook"
        )
        assert endpoint_service_name(SERVICES["sagemaker.studio"], reg) == (
            f"aws.sagemaker.{name}.studio"
        )


def test_china_names() -> None:
    bjs = _region("cn-north-1")
    zhy = _region("cn-northwest-1")
    assert endpoint_service_name(SERVICES["s3"], bjs) == "com.amazonaws.cn-north-1.s3"
    assert endpoint_service_name(SERVICES["dynamodb"], zhy) == "com.amazonaws.cn-northwest-1.dynamodb"
    assert endpoint_service_name(SERVICES["ecr.dkr"], bjs) == "cn.com.amazonaws.cn-north-1.ecr.dkr"
    assert endpoint_service_name(SERVICES["ecr.api"], zhy) == "cn.com.amazonaws.cn-northwest-1.ecr.api"
    assert (
        endpoint_service_name(SERVICES["sagemaker.api"], bjs)
        == "cn.com.amazonaws.cn-north-1.sagemaker.api"
    )
    assert endpoint_service_name(SERVICES["kms"], bjs) == "com.amazonaws.cn-north-1.kms"


def test_govcloud_names() -> None:
    gov = _region("us-gov-west-1")
    assert endpoint_service_name(SERVICES["s3"], gov) == "com.amazonaws.us-gov-west-1.s3"
    assert endpoint_service_name(SERVICES["ecr.dkr"], gov) == "com.amazonaws.us-gov-west-1.ecr.dkr"


@pytest.mark.parametrize(
    ("key", "region_name"),
    [
        ("logs", "cn-north-1"),
        ("secretsmanager", "cn-northwest-1"),
        ("codecommit", "cn-north-1"),
        ("codeartifact.api", "cn-north-1"),
        ("sagemaker.studio", "us-gov-west-1"),
        ("sagemaker.notebook", "us-gov-east-1"),
        ("codecommit", "us-gov-west-1"),
        ("git-codecommit", "us-gov-east-1"),
        ("codeartifact.repositories", "us-gov-west-1"),
    ],
)
def test_refused_partition_raises(key: str, region_name: str) -> None:
    reg = _region(region_name)
    service = SERVICES[key]
    assert not available_in(service, reg)
    with pytest.raises(UnsupportedService) as excinfo:
        endpoint_service_name(service, reg)
    message = str(excinfo.value)
    assert key in message
    assert f"is not offered by netspec in partition {reg.partition}" in message


def test_refused_region_within_partition() -> None:
    # CodeArtifact is not in us-west-1; CodeCommit is not in eu-central-2.
    for key, region_name in (("codeartifact.api", "us-west-1"), ("codecommit", "eu-central-2")):
        reg = _region(region_name)
        assert not available_in(SERVICES[key], reg)
        with pytest.raises(UnsupportedService, match=re.escape(key)) as excinfo:
            endpoint_service_name(SERVICES[key], reg)
        assert region_name in str(excinfo.value)
    assert available_in(SERVICES["codeartifact.api"], _region("eu-west-1"))
    assert available_in(SERVICES["git-codecommit"], _region("ap-south-1"))


def test_every_service_available_somewhere_and_names_are_well_formed() -> None:
    for key, service in SERVICES.items():
        names = [endpoint_service_name(service, r) for r in REGIONS.values() if available_in(service, r)]
        assert names, key
        for name in names:
            assert re.fullmatch(r"[a-z0-9.-]+", name), name
            assert "{" not in name


def test_available_in_agrees_with_endpoint_service_name() -> None:
    for service in SERVICES.values():
        for reg in REGIONS.values():
            if available_in(service, reg):
                assert endpoint_service_name(service, reg).count(reg.name) == 1
            else:
                with pytest.raises(UnsupportedService):
                    endpoint_service_name(service, reg)


def test_partition_arn_prefix() -> None:
    assert partition_arn_prefix(_region("us-east-1")) == "arn:aws"
    assert partition_arn_prefix(_region("cn-northwest-1")) == "arn:aws-cn"
    assert partition_arn_prefix(_region("us-gov-east-1")) == "arn:aws-us-gov"
    with pytest.raises(ValueError):
        partition_arn_prefix(Region("us-iso-east-1", "aws-iso", "abc", "usie1", 3))


def test_ecr_layer_bucket_arn() -> None:
    assert ecr_layer_bucket_arn(_region("us-east-1")) == (
        "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*"
    )
    assert ecr_layer_bucket_arn(_region("cn-north-1")) == (
        "arn:aws-cn:s3:::prod-cn-north-1-starport-layer-bucket/*"
    )
    assert ecr_layer_bucket_arn(_region("us-gov-west-1")) == (
        "arn:aws-us-gov:s3:::prod-us-gov-west-1-starport-layer-bucket/*"
    )


def test_service_is_frozen_and_hashable() -> None:
    service: Service = SERVICES["s3"]
    with pytest.raises(AttributeError):
        service.key = "other"  # type: ignore[misc]
    assert hash(service) == hash(SERVICES["s3"])
    with pytest.raises(AttributeError):
        _region("us-east-1").name = "x"  # type: ignore[misc]
