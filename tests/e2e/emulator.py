"""The local AWS emulator (moto's server mode) and the wiring that points terraform at it.

Everything here is built so that no call can leave the machine: terraform and boto3 get
dummy keys, no shared config, no instance metadata, and a proxy on a dead loopback port.
Loopback is exempt from the proxy (NO_PROXY), so only the emulator is reachable; a service
whose endpoint is missing from the override falls through to the real AWS URL, hits the
dead proxy and fails loudly instead of reaching anything.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.config import Config

ACCOUNT_ID = "123456789012"  # moto's default account: every ARN and owner ID uses it
DUMMY_KEY = "netspec-e2e-dummy"  # not 12 digits, so moto does not treat it as an account ID
DEAD_PROXY = "http://127.0.0.1:9"  # discard port: nothing listens, connections are refused
OVERRIDE_FILE = "emulator_override.tf.json"

# Every service the aws provider may call for a netspec module. Only ec2, sts, iam and logs
# are called today; the rest are listed so that a future resource using them stays local.
EMULATED_SERVICES = ("ec2", "sts", "iam", "logs", "s3", "cloudwatch", "kms", "ssm", "sagemaker", "route53resolver",
                     "dynamodb", "ecr", "secretsmanager")

# Variables that could route a call somewhere else or pick up real credentials.
_SCRUBBED = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ROLE_ARN",
             "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
             "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "https_proxy", "http_proxy", "no_proxy",
             "all_proxy", "ALL_PROXY")


class EmulatorError(RuntimeError):
    pass


@dataclass
class Emulator:
    url: str
    process: subprocess.Popen
    log: Path

    def client(self, service: str, region: str):
        """A boto3 client bound to the emulator; explicit empty proxies keep the host's proxy out."""
        # A session per client: boto3's shared default session is not safe across the deploy threads.
        return boto3.session.Session().client(service, endpoint_url=self.url, region_name=region,
                                              aws_access_key_id=DUMMY_KEY, aws_secret_access_key=DUMMY_KEY,
                                              config=Config(proxies={}, retries={"max_attempts": 2}))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def isolated_env(base: dict[str, str]) -> dict[str, str]:
    """`base` (terraform's offline env) plus the settings that keep every call on this host."""
    env = {k: v for k, v in base.items()
           if k not in _SCRUBBED and not k.startswith("AWS_ENDPOINT_URL")}
    # AWS_ENDPOINT_URL is dropped on purpose: as a catch-all it would hide a missing entry in
    # the provider's endpoints; the dead proxy is what makes such a miss fail.
    env.update(
        HTTPS_PROXY=DEAD_PROXY, HTTP_PROXY=DEAD_PROXY, NO_PROXY="127.0.0.1,localhost",
        AWS_EC2_METADATA_DISABLED="true",
        AWS_ACCESS_KEY_ID=DUMMY_KEY, AWS_SECRET_ACCESS_KEY=DUMMY_KEY,
        AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null",
    )
    return env


def _ready(url: str) -> bool:
    # Bypass any proxy of the test process itself: the emulator is on loopback.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"{url}/moto-api/", timeout=1) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start(env: dict[str, str], log: Path, timeout: float = 30.0) -> Emulator:
    """Start `python -m moto.server` on a free loopback port and wait until it answers."""
    failures = []
    for _ in range(3):  # the free port may be taken between probing and binding: try again
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        with log.open("ab") as sink:
            process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                                       env=env, stdout=sink, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process.poll() is None:
            if _ready(url):
                return Emulator(url, process, log)
            time.sleep(0.2)
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        failures.append(f"port {port}: exit code {process.returncode}")
    tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
    raise EmulatorError(f"moto server did not answer on /moto-api/ ({'; '.join(failures)}):\n{tail}")


def provider_override(url: str, region: str, services: tuple[str, ...] = EMULATED_SERVICES) -> dict:
    """The override file body that points the module's aws provider at the emulator.

    It only replaces provider arguments; no lifecycle rules, so real drift stays visible.
    """
    return {
        "//": "Written by the e2e tests: points the aws provider at the local moto server.",
        "provider": {
            "aws": {
                "region": region,
                "access_key": DUMMY_KEY,
                "secret_key": DUMMY_KEY,
                # Credentials validation and the account lookup stay on: both call STS, so they
                # also prove the sts endpoint is wired to the emulator.
                "skip_credentials_validation": False,
                "skip_requesting_account_id": False,
                "skip_metadata_api_check": True,
                "skip_region_validation": True,
                "s3_use_path_style": True,
                # A misrouted call then fails in seconds instead of retrying for half a minute.
                "max_retries": 2,
                "endpoints": [{service: url for service in services}],
            }
        },
    }


# What the emulator cannot hold, left out of applies and proven by `terraform plan` instead
# (tests/e2e/test_plan_only.py). moto creates Route 53 Resolver query-log configurations but cannot
# list their tags (ListTagsForResource answers ResourceNotFoundException), which the provider does
# after every create and read; it has no DNS Firewall API at all (NotImplementedError).
EMULATOR_GAPS = {
    "aws_route53_resolver_query_log_config": {"vpc": {"count": 0}},
    "aws_route53_resolver_query_log_config_association": {
        "vpc": {"count": 0, "resolver_query_log_config_id": "left-out-of-the-emulator"}},
}


def gap_overrides(module_text: str) -> dict:
    """Overrides that leave out the resources in EMULATOR_GAPS that this module has."""
    return {rtype: blocks for rtype, blocks in EMULATOR_GAPS.items() if f'"{rtype}"' in module_text}


def write_override(directory: Path, url: str, region: str, services: tuple[str, ...] = EMULATED_SERVICES,
                   module_text: str = "") -> Path:
    path = directory / OVERRIDE_FILE
    body = provider_override(url, region, services)
    gaps = gap_overrides(module_text)
    if gaps:
        body["resource"] = gaps
    path.write_text(json.dumps(body, indent=2) + "\n")
    return path


def in_ci() -> bool:
    return bool(os.environ.get("CI"))
