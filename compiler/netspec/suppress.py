"""Suppressions: findings a team accepts on purpose, each with its reason.

Two forms, one meaning:

* in the configuration file (`[[suppress]]` in netspec.toml): a code, globs of the files
  it covers, a reason and an optional expiry date (SARIF kind "external");
* in a spec, a YAML comment on the finding's line, or alone on the line above it:

      cidr: 10.2.0.0/16  # netspec: ignore NS251 reason="shares a block with the legacy VPC until Q3"

  with `expires=YYYY-MM-DD` optional and several codes allowed (`ignore NS251,NS215`)
  (SARIF kind "inSource").

A suppressed finding is still reported, marked with its suppression, but no longer
fails the run. Only codes in `codes.SUPPRESSIBLE` can be suppressed. After its expiry
date a suppression suppresses nothing and is itself reported (NS404). Everything here
is pure: the CLI passes in the texts, the settings and today's date.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import re
from pathlib import Path
from typing import Iterable

from .codes import CODES, SUPPRESSIBLE, code
from .findings import Finding, Location, Suppression, SuppressionKind

MIN_REASON = 10  # as the configuration schema's `reason` minLength

# `#` starts a YAML comment at the start of a line or after white space.
_DIRECTIVE = re.compile(r"(?:^|(?<=\s))#\s*netspec\s*:(?P<body>.*)$")
_ANY_DIRECTIVE = re.compile(r"#\s*netspec\s*:")  # what every directive line holds: one search rules most specs out
_IGNORE = re.compile(r"\s*ignore\b")
_FIRST_OPTION = re.compile(r"\s[a-z_]+=")
_CODE = re.compile(r"NS[0-9]{3}")
_OPTION = re.compile(r"""\s*(?P<key>[a-z_]+)=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>\S+))""")
_OPTIONS = ("reason", "expires")


def _target_line(lines: list[str], index: int, before: str) -> int | None:
    """The line a directive covers: its own when code precedes it, else the next line with content."""
    if before.strip():
        return index + 1
    for later in range(index + 1, len(lines)):
        stripped = lines[later].strip()
        if stripped and not stripped.startswith("#"):
            return later + 1
    return None


def _options(rest: str) -> tuple[dict[str, str], str | None]:
    """key=value pairs after the codes, or the reason they cannot be read."""
    found: dict[str, str] = {}
    position = 0
    while rest[position:].strip():
        match = _OPTION.match(rest, position)
        if not match:
            return found, f"cannot read {rest[position:].strip()!r}; write key=\"value\""
        key = match.group("key")
        if key not in _OPTIONS:
            return found, f"unknown option {key!r}; the options are reason= and expires="
        found[key] = next(v for v in (match.group("dq"), match.group("sq"), match.group("bare")) if v is not None)
        position = match.end()
    return found, None


def has_directives(text: str) -> bool:
    """Whether a spec's text may hold a `# netspec:` directive (`inline` finds none without one)."""
    return _ANY_DIRECTIVE.search(text) is not None


def inline(text: str, path: str) -> tuple[list[Suppression], list[Finding]]:
    """The `# netspec: ignore` directives of a spec, and an NS405 for each one that is malformed."""
    if not has_directives(text):
        return [], []
    suppressions: list[Suppression] = []
    findings: list[Finding] = []
    lines = text.split("\n")
    for index, line in enumerate(lines):
        match = _DIRECTIVE.search(line)
        if not match:
            continue
        where = Location(path, index + 1, match.start() + 1)

        def bad(message: str) -> None:
            findings.append(code("NS405").at(where, message))

        body = match.group("body")
        ignore = _IGNORE.match(body)
        if not ignore:
            bad(f"unknown directive {body.strip()!r}; write `# netspec: ignore CODE reason=\"why\"`")
            continue
        rest = body[ignore.end():]
        first_option = _FIRST_OPTION.search(rest)
        split = first_option.start() if first_option else len(rest)
        codes_text, options_text = rest[:split], rest[split:]
        codes = _CODE.findall(codes_text)
        if not codes or _CODE.sub("", codes_text).replace(",", " ").strip():
            bad(f"`ignore` needs finding codes such as NS251, separated by commas; got {codes_text.strip()!r}")
            continue
        options, problem = _options(options_text)
        if problem:
            bad(problem)
            continue
        reason = options.get("reason", "").strip()
        if len(reason) < MIN_REASON:
            bad("a suppression needs reason=\"...\" that says why the finding is accepted "
                f"(at least {MIN_REASON} characters)")
            continue
        expires = None
        if "expires" in options:
            try:
                expires = datetime.date.fromisoformat(options["expires"])
            except ValueError:
                bad(f"expires={options['expires']!r} is not a date such as 2026-06-30")
                continue
        target = _target_line(lines, index, line[: match.start()])
        if target is None:
            bad("the directive stands on no line: put it on the finding's line or the line above")
            continue
        for code_id in codes:
            if code_id not in CODES or code_id not in SUPPRESSIBLE:
                problem = "is not a netspec code" if code_id not in CODES else "cannot be suppressed"
                bad(f"{code_id} {problem}; only warnings and the audit's policy checks can be suppressed")
                continue
            suppressions.append(Suppression(code=code_id, reason=reason, origin=where,
                                            kind=SuppressionKind.IN_SOURCE, line=target, expires=expires))
    return suppressions, findings


@functools.cache
def _glob(pattern: str) -> re.Pattern[str]:
    """A path glob as a regex: `**` crosses folders, `*` and `?` stay within one."""
    parts = []
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            parts.append(".*")
            index += 2
        elif pattern[index] == "*":
            parts.append("[^/]*")
            index += 1
        elif pattern[index] == "?":
            parts.append("[^/]")
            index += 1
        else:
            parts.append(re.escape(pattern[index]))
            index += 1
    return re.compile("".join(parts) + r"\Z")


def glob_matches(pattern: str, relative: str) -> bool:
    """Does a path relative to the configuration's folder match a glob of the configuration?"""
    return _glob(pattern[2:] if pattern.startswith("./") else pattern).match(relative) is not None


def _relative(path: str, root: Path) -> str | None:
    """A finding's path (relative to the working directory) relative to the configuration's folder."""
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


def covers(suppression: Suppression, finding: Finding, *, root: Path) -> bool:
    if suppression.code != finding.code:
        return False
    if suppression.kind is SuppressionKind.IN_SOURCE:
        return suppression.origin.path == finding.location.path and suppression.line == finding.location.line
    relative = _relative(finding.location.path, root)
    return relative is not None and any(glob_matches(p, relative) for p in suppression.paths)


def is_expired(suppression: Suppression, today: datetime.date) -> bool:
    return suppression.expires is not None and suppression.expires < today


def apply(findings: Iterable[Finding], suppressions: Iterable[Suppression], *, root: Path,
          today: datetime.date) -> list[Finding]:
    """The findings, each suppressible one marked with the first live suppression that covers it."""
    live = [s for s in suppressions if not is_expired(s, today)]
    marked = []
    for finding in findings:
        if finding.code in SUPPRESSIBLE and finding.suppressed_by is None:
            match = next((s for s in live if covers(s, finding, root=root)), None)
            if match is not None:
                finding = dataclasses.replace(finding, suppressed_by=match)
        marked.append(finding)
    return marked


def expired(suppressions: Iterable[Suppression], today: datetime.date) -> list[Finding]:
    """An NS404 warning for each suppression past its date: it no longer suppresses anything."""
    return [code("NS404").at(s.origin, f"the suppression of {s.code} expired on {s.expires.isoformat()}, "
                                       f"so it suppresses nothing now (reason given: {s.reason})")
            for s in suppressions if is_expired(s, today) and s.expires is not None]
