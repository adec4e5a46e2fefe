"""The repository configuration: `netspec.toml`, or `[tool.netspec]` in `pyproject.toml`.

Found by walking up from the working directory (the first folder holding either file
wins; the walk stops at the repository root, the folder with `.git`). It is read once,
at the edge (the CLI), into one frozen `Settings` that every command receives
keyword-only; command-line options override it field by field.

The file's shape is schemas/netspec-config.schema.json, checked with the same located
findings as specs (`path:line:col: NS402 unknown key 'strcit'` with a did-you-mean
hint). The schema and `KEYS` below are the two places a new setting goes: a property
in the schema, and a row saying which `Settings` field it fills and how.
"""

from __future__ import annotations

import dataclasses
import datetime
import ipaddress
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import lockfile, tomlpos
from .accounts import AccountDefault
from .backends import BackendTemplate
from .files import NotRegular, TooLarge, read_bounded
from .codes import SUPPRESSIBLE, CODES, code
from .findings import Finding, Location, Suppression, SuppressionKind, display_path
from .loader import Document
from .pools import Pool, overlapping
from .render import Emit
from .report import Format, Verbosity
from .runners.atlantis import AtlantisSettings
from .schema import check_against, validator

CONFIG_FILE = "netspec.toml"
PYPROJECT = "pyproject.toml"
PYPROJECT_TABLE = ("tool", "netspec")
CONFIG_SCHEMA = "netspec-config.schema.json"
CACHE_FOLDER = ".netspec_cache"  # the findings cache (cli/cache.py), in the configuration's folder
MAX_CONFIG_BYTES = 1024 * 1024  # netspec.toml or pyproject.toml, checked before reading (files.read_bounded)

# The spec's schema codes, as the configuration file's codes.
_CONFIG_CODES = {"NS101": "NS402", "NS102": "NS403", "NS103": "NS403", "NS104": "NS403", "NS105": "NS403"}


@dataclass(frozen=True)
class Settings:
    """Everything a run is told: by the configuration file, then by the command line."""

    config_file: str | None = None  # display path of the file these came from; None: defaults
    root: Path = Path(".")  # the configuration file's folder; relative paths start there
    specs: tuple[Path, ...] = (Path("specs"),)
    out: Path = Path("out")
    format: Format = Format.TEXT
    emit: Emit = Emit.JSON
    strict: bool = False
    suppressions: tuple[Suppression, ...] = ()
    pools: tuple[Pool, ...] = ()
    accounts: tuple[AccountDefault, ...] = ()
    backend: BackendTemplate | None = None
    atlantis: AtlantisSettings = AtlantisSettings()
    cache: Path | None = Path(CACHE_FOLDER)  # the findings cache's folder; None: no cache
    # Command line only.
    verbosity: Verbosity = Verbosity.NORMAL
    color: bool = True
    jobs: int = 1  # worker processes for many specs (`-j`; the command line's default is the CPU count)
    today: datetime.date = field(default_factory=datetime.date.today)  # when suppressions expire

    @property
    def lock_file(self) -> Path:
        """netspec.lock, beside the configuration file: the blocks allocated from `pools`."""
        return self.root / lockfile.FILE_NAME


class ConfigError(Exception):
    """The configuration cannot be followed; its findings say where and why (exit 2)."""

    def __init__(self, findings: list[Finding]) -> None:
        super().__init__("; ".join(f"{f.location}: {f.code} {f.message}" for f in findings))
        self.findings = findings


@dataclass
class _Context:
    root: Path
    doc: Document
    findings: list[Finding]


def _suppressions(entries: list[dict[str, Any]], context: _Context) -> tuple[Suppression, ...]:
    result = []
    for index, entry in enumerate(entries):
        code_id = entry["code"]
        if code_id not in CODES or code_id not in SUPPRESSIBLE:
            problem = "is not a netspec code" if code_id not in CODES else "cannot be suppressed"
            context.findings.append(code("NS403").at(
                context.doc.at(("suppress", index, "code")), f"suppress[{index}].code: {code_id} {problem}",
                hint="only warnings and the audit's policy checks (NS501-NS510) can be suppressed; "
                     "`netspec rules` marks them"))
            continue
        expires = entry.get("expires")
        result.append(Suppression(
            code=code_id, reason=entry["reason"], origin=context.doc.at(("suppress", index)),
            kind=SuppressionKind.EXTERNAL, paths=tuple(entry["paths"]),
            expires=datetime.date.fromisoformat(expires) if expires else None))
    return tuple(result)


def _pools(entries: dict[str, dict[str, Any]], context: _Context) -> tuple[Pool, ...]:
    """Pools, each block a network address; no block may overlap another (in one pool or two)."""
    pools, owners = [], []
    for name, entry in entries.items():
        blocks = []
        for index, text in enumerate(entry["blocks"]):
            block = ipaddress.IPv4Network(text, strict=False)
            where = context.doc.at(("pools", name, "blocks", index))
            if str(block) != text:
                context.findings.append(code("NS403").at(where, f"pools.{name}.blocks[{index}]: {text} has host bits "
                                                                f"set; the block is {block}", hint=f"write {block}"))
            blocks.append(block)
            owners.append((block, (name, where)))
        pools.append(Pool(name, entry["region"], tuple(blocks), entry.get("description", ""),
                          origin=context.doc.at(("pools", name))))
    for (first_block, (first, first_at)), (block, (name, where)) in overlapping(owners):
        context.findings.append(code("NS403").at(where, f"pools.{name}: {block} overlaps {first_block} of pool {first}",
                                                 hint="pools may not share addresses: a block would be allocated twice",
                                                 related=(first_at,)))
    return tuple(pools)


def _accounts(entries: list[dict[str, Any]], context: _Context) -> tuple[AccountDefault, ...]:
    return tuple(AccountDefault(e["id"], tuple(e["specs"]), e.get("name", ""), origin=context.doc.at(("accounts", i)))
                 for i, e in enumerate(entries))


def _backend(values: dict[str, Any], context: _Context) -> BackendTemplate:
    template = BackendTemplate.of(values, origin=context.doc.at(("backend",)))
    for key, problem in template.problems():
        context.findings.append(code("NS403").at(context.doc.at(("backend", key)), f"backend.{key}: {problem}",
                                                 hint="a template such as \"netspec/{account}/{region}/{name}.tfstate\""))
    return template


def _atlantis(values: dict[str, Any], context: _Context) -> AtlantisSettings:
    default = AtlantisSettings()
    return AtlantisSettings(workflow=values.get("workflow", default.workflow),
                            define_workflow=values.get("define_workflow", default.define_workflow),
                            apply_requirements=tuple(values.get("apply_requirements", ())))


@dataclass(frozen=True)
class Key:
    """One top-level setting: the key in the file, the Settings field it fills, and how."""

    name: str
    field: str
    convert: Callable[[Any, _Context], Any]


KEYS: tuple[Key, ...] = (
    Key("specs", "specs", lambda value, c: tuple(c.root / p for p in value)),
    Key("out", "out", lambda value, c: c.root / value),
    Key("format", "format", lambda value, c: Format(value)),
    Key("emit", "emit", lambda value, c: Emit(value)),
    Key("strict", "strict", lambda value, c: bool(value)),
    Key("suppress", "suppressions", _suppressions),
    Key("pools", "pools", _pools),
    Key("accounts", "accounts", _accounts),
    Key("backend", "backend", _backend),
    Key("atlantis", "atlantis", _atlantis),
    Key("cache", "cache", lambda value, c: c.root / (CACHE_FOLDER if value is True else value) if value else None),
)


def defaults(root: Path = Path(".")) -> Settings:
    """The settings without a configuration file, paths relative to `root`."""
    return Settings(root=root, specs=(root / "specs",), out=root / "out", cache=root / CACHE_FOLDER)


def _json_ready(value: Any) -> Any:
    """TOML values as JSON Schema sees them: dates and times become their ISO text."""
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return value


_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def _syntax_error(exc: tomllib.TOMLDecodeError, text: str, path: str) -> Finding:
    message = str(exc)
    found = _TOML_POSITION.search(message)
    if found:
        where = Location(path, int(found.group(1)), int(found.group(2)))
    else:  # "at end of document"
        where = Location(path, text.count("\n") + 1 - (1 if text.endswith("\n") else 0) or 1, 1)
    problem = _TOML_POSITION.sub("", message).replace("(at end of document)", "").strip()
    return code("NS401").at(where, f"{problem[0].lower()}{problem[1:]}" if problem else "invalid TOML")


def parse(text: str, path: str, *, root: Path, pyproject: bool = False) -> Settings:
    """Settings from the text of a configuration file; raises ConfigError with located findings."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([_syntax_error(exc, text, path)]) from None
    except RecursionError:  # tomllib recurses into nested arrays and inline tables
        raise ConfigError([code("NS401").at(Location(path), "arrays or tables nest too deeply to read")]) from None
    keys, values = tomlpos.positions(text)
    prefix: tuple[str | int, ...] = ()
    if pyproject:
        prefix = PYPROJECT_TABLE
        data = data.get("tool", {}).get("netspec", {})
        if not isinstance(data, dict):
            where = Location(path, *values.get(prefix, keys.get(prefix, (1, 1))))
            raise ConfigError([code("NS403").at(where, "[tool.netspec] must be a table")])
    strip = len(prefix)
    doc = Document(path=path, text=text, data=_json_ready(data),
                   value_marks={p[strip:]: m for p, m in values.items() if p[:strip] == prefix},
                   key_marks={p[strip:]: m for p, m in keys.items() if p[:strip] == prefix})
    findings = check_against(doc, validator(CONFIG_SCHEMA), codes=_CONFIG_CODES)
    if findings:
        raise ConfigError(findings)
    context = _Context(root=root, doc=doc, findings=[])
    given = {key.field: key.convert(doc.data[key.name], context) for key in KEYS if key.name in doc.data}
    if context.findings:
        raise ConfigError(context.findings)
    return dataclasses.replace(defaults(root), config_file=path, **given)


def _has_table(pyproject: Path) -> bool:
    try:
        text = read_bounded(pyproject, MAX_CONFIG_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError, NotRegular, TooLarge):
        return False
    try:
        return "netspec" in tomllib.loads(text).get("tool", {})
    except (tomllib.TOMLDecodeError, RecursionError):
        return re.search(r"^\s*\[\s*tool\s*\.\s*netspec\s*[\].]", text, re.MULTILINE) is not None


def find(start: Path) -> Path | None:
    """The configuration file that governs `start`: the nearest netspec.toml or pyproject.toml
    with [tool.netspec], looking no higher than the repository root."""
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder / CONFIG_FILE
        if (folder / PYPROJECT).is_file() and _has_table(folder / PYPROJECT):
            return folder / PYPROJECT
        if (folder / ".git").exists():
            return None
    return None


def load(explicit: Path | None = None, *, start: Path | None = None) -> Settings:
    """Read the configuration (`explicit`, else the one found from `start`, the working
    directory by default); defaults when there is none. Raises ConfigError."""
    path = explicit or find((start or Path.cwd()).resolve())
    if path is None:
        return defaults()
    shown = display_path(path)
    try:
        text = read_bounded(path, MAX_CONFIG_BYTES).decode("utf-8")
    except NotRegular as exc:
        raise ConfigError([code("NS400").at(Location(shown), f"{exc}, not a regular file")]) from None
    except TooLarge as exc:
        size = f"{exc.size:,} bytes" if exc.size is not None else f"over {MAX_CONFIG_BYTES:,} bytes"
        raise ConfigError([code("NS400").at(
            Location(shown), f"the file is {size}; configuration files are limited to {MAX_CONFIG_BYTES:,}")]) from None
    except OSError as exc:
        raise ConfigError([code("NS400").at(Location(shown), exc.strerror or str(exc))]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError([code("NS400").at(Location(shown), f"not UTF-8 text ({exc.reason})")]) from None
    return parse(text, shown, root=_relative_root(path), pyproject=path.name == PYPROJECT)


def _relative_root(path: Path) -> Path:
    """The configuration file's folder, relative to the working directory when inside it."""
    folder = path.resolve().parent
    try:
        relative = folder.relative_to(Path.cwd().resolve())
    except ValueError:
        return folder
    return relative if relative.parts else Path(".")
