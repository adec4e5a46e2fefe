"""Atlantis's repo-level configuration rules, as far as they are documented, as a checker for tests.

Sources (runatlantis/atlantis, snapshot 078d0a820, read 2026-11-29): runatlantis.io/docs/
repo-level-atlantis-yaml.md (the reference tables), custom-workflows.md (steps), and the validation
code in server/core/config/raw/{repo_cfg,project}.go and parser_validator.go; how `when_modified`
is matched: server/events/project_finder.go, which joins each pattern to the project's dir
(`filepath.Join(project.Dir, wm)`, which also cleans `..`) and matches the pull request's files,
relative to the repository root, in .dockerignore syntax.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

TOP_LEVEL = {"version", "projects", "workflows", "policies", "autodiscover", "automerge", "parallel_apply",
             "parallel_plan", "delete_source_branch_on_merge", "emoji_reaction", "allowed_regexp_prefixes",
             "abort_on_execution_order_fail", "repo_locks", "silence_pr_comments"}
PROJECT = {"name", "branch", "dir", "workspace", "workflow", "terraform_version", "terraform_distribution",
           "autoplan", "plan_requirements", "apply_requirements", "import_requirements",
           "delete_source_branch_on_merge", "repo_locking", "repo_locks", "custom_policy_check",
           "execution_order_group", "depends_on", "silence_pr_comments"}
AUTOPLAN = {"enabled", "when_modified"}
REQUIREMENTS = {"approved", "mergeable", "undiverged"}
STAGES = {"plan", "apply", "import", "state_rm", "policy_check"}
BUILT_IN_STEPS = {"init", "plan", "apply", "import", "state_rm", "show", "policy_check", "version"}
STEP_MAPPINGS = {"run", "env", "multienv", *BUILT_IN_STEPS}
GLOB_CHARACTERS = "*?["


def problems(config: Any) -> list[str]:
    """Every rule the document breaks (empty: Atlantis accepts it, as far as the rules are documented)."""
    found: list[str] = []
    if not isinstance(config, dict):
        return ["the document is not a mapping"]
    found += [f"unknown top-level key {k!r}" for k in sorted(set(config) - TOP_LEVEL)]
    if config.get("version") != 3:
        found.append("version must be 3")
    workflows = config.get("workflows") or {}
    found += _workflows(workflows)
    projects = config.get("projects")
    if not isinstance(projects, list) or not projects:
        return found + ["projects must be a non-empty list"]
    names: dict[str, int] = {}
    unnamed: dict[tuple[str, str], int] = {}
    for index, project in enumerate(projects):
        where = f"projects[{index}]"
        if not isinstance(project, dict):
            found.append(f"{where} is not a mapping")
            continue
        found += [f"{where}: unknown key {k!r}" for k in sorted(set(project) - PROJECT)]
        directory = project.get("dir")
        if not isinstance(directory, str) or not directory:
            found.append(f"{where}: dir is required")
        elif ".." in directory or directory.startswith("/"):
            found.append(f"{where}: dir {directory!r} must be relative to the repository root, without '..'")
        name = project.get("name")
        if name is not None:
            if not isinstance(name, str) or any(c in name for c in GLOB_CHARACTERS):
                found.append(f"{where}: name {name!r} cannot contain glob pattern characters ('*', '?', '[')")
            elif name in names:
                found.append(f"found two or more projects with name {name!r}; project names must be unique")
            names[str(name)] = index
        else:
            key = (str(directory), str(project.get("workspace", "default")))
            if key in unnamed:
                found.append(f"two or more projects with dir {key[0]!r} workspace {key[1]!r} are not all named")
            unnamed[key] = index
        autoplan = project.get("autoplan", {})
        if not isinstance(autoplan, dict):
            found.append(f"{where}: autoplan is not a mapping")
        else:
            found += [f"{where}.autoplan: unknown key {k!r}" for k in sorted(set(autoplan) - AUTOPLAN)]
            modified = autoplan.get("when_modified", [])
            if not isinstance(modified, list) or not all(isinstance(p, str) and p for p in modified):
                found.append(f"{where}.autoplan.when_modified must be a list of patterns")
            else:
                found += [f"{where}: when_modified {p!r} must be relative to the project's dir"
                          for p in modified if p.startswith("/")]
        for key in ("plan_requirements", "apply_requirements", "import_requirements"):
            values = project.get(key, [])
            if not isinstance(values, list) or not set(values) <= REQUIREMENTS:
                found.append(f"{where}.{key}: only approved, mergeable and undiverged are supported")
        workflow = project.get("workflow")
        if workflow is not None and workflow not in workflows:
            found.append(f"{where}: workflow {workflow!r} is not defined in workflows "
                         "(it must then be defined server-side)")
    return found


def _workflows(workflows: Any) -> list[str]:
    if not isinstance(workflows, dict):
        return ["workflows must be a mapping"]
    found = []
    for name, stages in workflows.items():
        if not isinstance(stages, dict):
            found.append(f"workflow {name!r} is not a mapping")
            continue
        found += [f"workflow {name!r}: unknown stage {s!r}" for s in sorted(set(stages) - STAGES)]
        for stage, body in stages.items():
            steps = body.get("steps") if isinstance(body, dict) else None
            if not isinstance(steps, list):
                found.append(f"workflow {name!r}.{stage}: steps must be a list")
                continue
            for step in steps:
                if isinstance(step, str):
                    if step not in BUILT_IN_STEPS:
                        found.append(f"workflow {name!r}.{stage}: unknown step {step!r}")
                elif not (isinstance(step, dict) and len(step) == 1 and set(step) <= STEP_MAPPINGS):
                    found.append(f"workflow {name!r}.{stage}: a step is a built-in name or one of {sorted(STEP_MAPPINGS)}")
                elif "run" in step and not isinstance(step["run"], (str, dict)):
                    found.append(f"workflow {name!r}.{stage}: run takes a command")
    return found


def _pattern(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern as a regex: `**` any number of folders, `*` and `?` within one."""
    parts, index = [], 0
    while index < len(pattern):
        if pattern.startswith("**", index):
            parts.append(".*")
            index += 2
            if pattern.startswith("/", index):
                parts.append("/?")
                index += 1
        elif pattern[index] == "*":
            parts.append("[^/]*")
            index += 1
        elif pattern[index] == "?":
            parts.append("[^/]")
            index += 1
        else:
            parts.append(re.escape(pattern[index]))
            index += 1
    return re.compile("".join(parts) + r"(/.*)?\Z")  # a pattern also matches what is inside a folder it names


def planned_projects(config: dict[str, Any], modified: list[str]) -> set[str]:
    """The projects Atlantis plans when these files (relative to the repository root) change."""
    hit = set()
    for project in config["projects"]:
        patterns = [posixpath.normpath(posixpath.join(project["dir"], p))
                    for p in project.get("autoplan", {}).get("when_modified", [])]
        if any(_pattern(p).match(f) for p in patterns for f in modified):
            hit.add(project.get("name") or project["dir"])
    return hit
