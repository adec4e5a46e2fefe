"""Render the network model as a Terraform module: file name -> text.

`FILES` is the table of generated files: which concern each holds and when it
is emitted. Every file starts with a `//` comment naming the source spec, its
sha256, what else the file depends on and a digest of its content (`stamp`), and
is serialised the one deterministic way (`tf.dumps`), or as HCL (`hcl.to_hcl`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Callable

from ..model import Network
from .backend import backend
from .dns import dns
from .encryption import encryption
from .endpoints import endpoints
from .flow_logs import flow_logs
from .outputs import outputs
from .security_groups import security_groups
from .stamp import GENERATED_MARK, seal
from . import stamp
from .tf import Body, dumps
from .versions import provider, versions
from .vpc import vpc

__all__ = ["Emit", "FILES", "GENERATED_MARK", "RenderOptions", "emitted_names", "file_names", "header", "render_module", "stamp"]


class Emit(str, enum.Enum):
    """What `compile` writes: Terraform JSON files, or the same module as native HCL (`render/hcl.py`)."""

    JSON = "json"
    HCL = "hcl"


@dataclass(frozen=True)
class RenderOptions:
    """Everything besides the model that changes what is rendered (each file's header records it)."""

    module: bool = False  # a child module: leave the provider block and the state backend to the caller
    emit: Emit = Emit.JSON  # shows in the files' names (.tf.json, .tf), so their headers need not record it

    def recorded(self) -> dict[str, object]:
        """What each file's header records of these options (`stamp.inputs`)."""
        return {"module": self.module}


@dataclass(frozen=True)
class FileSpec:
    name: str
    build: Callable[[Network], Body]
    wanted: Callable[[Network, RenderOptions], bool] = lambda network, options: True


FILES: tuple[FileSpec, ...] = (
    FileSpec("versions.tf.json", versions),
    FileSpec("provider.tf.json", provider, lambda n, o: not o.module),
    FileSpec("backend.tf.json", backend, lambda n, o: n.backend is not None and not o.module),
    FileSpec("vpc.tf.json", vpc),
    FileSpec("security_groups.tf.json", security_groups),
    FileSpec("endpoints.tf.json", endpoints),
    FileSpec("flow_logs.tf.json", flow_logs, lambda n, o: n.flow_logs is not None),
    FileSpec("dns.tf.json", dns, lambda n, o: n.logging.dns_query_logs or n.firewall is not None),
    FileSpec("encryption.tf.json", encryption, lambda n, o: n.encrypts_logs_itself),
    FileSpec("outputs.tf.json", outputs),
)


def header(network: Network, options: RenderOptions = RenderOptions()) -> str:
    """The header of every file of the module (before `stamp.seal` names each file's content)."""
    return stamp.header(network.source, options.recorded())


def file_names(network: Network, options: RenderOptions = RenderOptions()) -> list[str]:
    """The names of the files `render_module` makes, without rendering them."""
    return emitted_names([spec.name for spec in FILES if spec.wanted(network, options)], options.emit)


def emitted_names(names: list[str], emit: Emit) -> list[str]:
    """The names of Terraform JSON files as `emit` writes them (.tf.json, or .tf for HCL)."""
    return [name.removesuffix(".json") for name in names] if emit is Emit.HCL else names


def render_module(network: Network, *, options: RenderOptions = RenderOptions()) -> dict[str, str]:
    """Every generated file of the module, by file name, in deterministic form."""
    top = header(network, options)
    rendered = {spec.name: dumps({"//": top, **spec.build(network)}) for spec in FILES if spec.wanted(network, options)}
    if options.emit is Emit.HCL:
        from .hcl import to_hcl  # imported here: only HCL output needs hcl2 (~0.1 s to import)
        return to_hcl(rendered)
    return {name: seal(text) for name, text in rendered.items()}
