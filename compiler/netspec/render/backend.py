"""backend.tf.json: where the module keeps its state (the configuration's `[backend]`, filled in).

`terraform.backend.s3` or `terraform.cloud`, never both (Terraform allows one or the other).
Values are written as they are: inside the `terraform` block Terraform takes JSON strings
literally, not as templates, so `literal()` escaping would be wrong here (see backends.py for
the sources and what the configuration admits). With S3-native locking the same block also
requires the Terraform release that has it; Terraform checks every `required_version` of a
module, so this one adds to versions.tf.json's.
"""

from __future__ import annotations

from ..backends import USE_LOCKFILE_TERRAFORM
from ..model import Network
from .tf import Body


def backend(network: Network) -> Body:
    state = network.backend
    assert state is not None
    settings = dict(state.settings)
    if state.kind == "cloud":
        cloud: Body = {"organization": settings["organization"], "workspaces": {"name": settings["workspace"]}}
        if settings.get("hostname"):
            cloud["hostname"] = settings["hostname"]
        return {"terraform": {"cloud": cloud}}
    block: Body = {"terraform": {"backend": {"s3": settings}}}
    if settings.get("use_lockfile"):
        block["terraform"]["required_version"] = USE_LOCKFILE_TERRAFORM
    return block
