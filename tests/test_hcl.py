"""`--format hcl`: the same module as native .tf files, read back and compared with the JSON.

The comparison parses the .tf with python-hcl2 and brings both sides into one normal
form: blocks by (type, labels...), attributes by name, and every string as its
template meaning, a sequence of literal text and interpolated expressions. So a
JSON "${aws_vpc.main.id}" equals a bare HCL aws_vpc.main.id, JSON "$${x}" equals
HCL "$${x}" (literal "${x}"), and a policy's \\" escapes must decode to its quotes.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import hcl2
import pytest

from netspec import compile_text, terraform
from netspec.render import RenderOptions, stamp
from netspec.render.hcl import to_hcl
from netspec.writer import Change, apply_changes, is_generated, plan_changes

from conftest import BASE_SPEC, EXAMPLES, compile_ok, run_cli

LABELS = {"terraform": 0, "locals": 0, "provider": 1, "output": 1, "resource": 2, "data": 2}
NESTED_BLOCKS = {("terraform", "required_providers"), ("resource", "lifecycle"), ("lifecycle", "precondition")}
NESTED_BY_TYPE = {("aws_default_network_acl", "ingress"), ("aws_default_network_acl", "egress"),
                  ("aws_availability_zones", "filter")}  # schema, not JSON
HCL2_META = ("__is_block__", "__comments__", "__inline_comments__")

Part = tuple[str, str]  # ("lit", text) or ("expr", expression source)


# -- normal form ---------------------------------------------------------------

def _parts(items: list[Part]) -> tuple[Part, ...]:
    """Adjacent literal pieces merged, so equal meanings compare equal."""
    merged: list[Part] = []
    for kind, text in items:
        if kind == "lit" and merged and merged[-1][0] == "lit":
            merged[-1] = ("lit", merged[-1][1] + text)
        elif not (kind == "lit" and text == ""):
            merged.append((kind, text))
    return tuple(merged)


def _closing(source: str, start: int) -> int:
    """Index of the `}` that closes an interpolation opened just before `start` (quotes and braces nest)."""
    depth, quoted, i = 1, False, start
    while True:
        char = source[i]
        if quoted:
            quoted = not (char == '"' and source[i - 1] != "\\")
        elif char == '"':
            quoted = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1


def _expression(text: str) -> str:
    """An expression's source with insignificant white space dropped (hcl2 re-spaces what it parses)."""
    return re.sub(r"\s+", "", text)


def _template(source: str, *, backslash_escapes: bool) -> tuple[Part, ...]:
    """A template's meaning; HCL quoted templates add backslash escapes to JSON's syntax."""
    items: list[Part] = []
    i = 0
    while i < len(source):
        if backslash_escapes and source[i] == "\\":
            marker = source[i + 1]
            if marker in "uU":
                width = 4 if marker == "u" else 8
                items.append(("lit", chr(int(source[i + 2:i + 2 + width], 16))))
                i += 2 + width
            else:
                items.append(("lit", {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}[marker]))
                i += 2
        elif source.startswith(("$${", "%%{"), i):
            items.append(("lit", source[i + 1:i + 3]))
            i += 3
        elif source.startswith(("${", "%{"), i):
            end = _closing(source, i + 2)
            assert source[i] == "$", f"a template directive in {source!r}"
            items.append(("expr", _expression(source[i + 2:end])))
            i = end + 1
        else:
            items.append(("lit", source[i]))
            i += 1
    return _parts(items)


def json_value(value: Any) -> Any:
    if isinstance(value, str):
        return ("template", _template(value, backslash_escapes=False))
    if isinstance(value, list):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {json_value(k): json_value(v) for k, v in value.items()}
    return value


def hcl_value(value: Any) -> Any:
    """A value from hcl2.loads: '"..."' is quoted template source, '${...}' a bare expression."""
    if isinstance(value, str):
        if len(value) >= 2 and value[0] == value[-1] == '"':
            return ("template", _template(value[1:-1], backslash_escapes=True))
        assert value.startswith("${") and value.endswith("}"), value
        return ("template", (("expr", _expression(value[2:-1])),))
    if isinstance(value, list):
        return [hcl_value(v) for v in value]
    if isinstance(value, dict):
        return {hcl_key(k): hcl_value(v) for k, v in value.items() if k not in HCL2_META}
    return value


def hcl_key(key: str) -> Any:
    # A bare identifier key is a literal string; a quoted one is a template.
    return hcl_value(key) if key.startswith('"') else ("template", (("lit", key),))


def json_body(kind: str, body: dict, rtype: str = "") -> dict:
    attributes, blocks = {}, {}
    for name, value in body.items():
        if name == "//":
            continue  # a comment in a block body
        if (kind, name) in NESTED_BLOCKS or (rtype, name) in NESTED_BY_TYPE:
            blocks[name] = [json_body(name, v) for v in (value if isinstance(value, list) else [value])]
        else:
            attributes[name] = json_value(value)
    return {"attributes": attributes, "blocks": blocks}


def hcl_body(body: dict) -> dict:
    attributes, blocks = {}, {}
    for name, value in body.items():
        if name in HCL2_META:
            continue
        if isinstance(value, list) and value and all(isinstance(v, dict) and v.get("__is_block__") for v in value):
            blocks[name] = [hcl_body(v) for v in value]
        else:
            attributes[name] = hcl_value(value)
    return {"attributes": attributes, "blocks": blocks}


def json_blocks(document: dict) -> dict[tuple[str, ...], dict]:
    found: dict[tuple[str, ...], dict] = {}

    def walk(kind: str, content: Any, labels: tuple[str, ...]) -> None:
        if len(labels) == LABELS[kind]:
            assert (kind, *labels) not in found
            found[(kind, *labels)] = json_body(kind, content, labels[0] if kind in ("resource", "data") else "")
            return
        for label, inner in content.items():
            walk(kind, inner, labels + (label,))

    for kind, content in document.items():
        if kind != "//":
            walk(kind, content, ())
    return found


def hcl_blocks(document: dict) -> dict[tuple[str, ...], dict]:
    found: dict[tuple[str, ...], dict] = {}
    for kind, entries in document.items():
        if kind in HCL2_META:
            continue
        for entry in entries:
            labels: list[str] = []
            while not entry.get("__is_block__"):
                (label, entry), = entry.items()
                assert label[0] == label[-1] == '"', label
                labels.append(label[1:-1])
            assert len(labels) == LABELS[kind]
            assert (kind, *labels) not in found
            found[(kind, *labels)] = hcl_body(entry)
    return found


def unsealed(header: str) -> str:
    """A header without its content digest, which differs between the two formats of one file."""
    return re.sub(r"content [0-9a-f]{16}\.", "content ?.", header)


def comments(document: dict) -> list[str]:
    """Every `//` text of a JSON document, in order."""
    found = []
    for key, value in document.items():
        if key == "//":
            found.append(value)
        elif isinstance(value, dict):
            found.extend(comments(value))
    return found


# -- the example specs -----------------------------------------------------------

@pytest.fixture(scope="module", params=EXAMPLES, ids=lambda p: p.stem)
def example(request) -> tuple[dict[str, str], dict[str, str]]:
    spec: Path = request.param
    result = compile_text(spec.read_text(), spec.name)
    assert result.ok
    return result.files, to_hcl(result.files)


def test_same_configuration_as_the_json(example):
    files, converted = example
    assert sorted(converted) == sorted(name.removesuffix(".json") for name in files)
    for name, text in files.items():
        document = json.loads(text)
        parsed = hcl2.loads(converted[name.removesuffix(".json")])
        assert hcl_blocks(parsed) == json_blocks(document), name
        # `//` comments survive as `#` comments, header first; the header names the HCL file's own content.
        hcl_comments = [c["value"] for c in parsed.get("__comments__", [])]
        assert [unsealed(hcl_comments[0])] + hcl_comments[1:] == [unsealed(comments(document)[0])] + comments(document)[1:]
        sha, inputs = re.search(r"\(sha256 ([0-9a-f]{64})\); netspec \S+, inputs ([0-9a-f]{16})", hcl_comments[0]).groups()
        assert stamp.vouches(converted[name.removesuffix(".json")].encode(), sha, inputs), name


def test_every_file_starts_with_the_json_header(example, tmp_path):
    files, converted = example
    for name, text in files.items():
        tf_name = name.removesuffix(".json")
        first_line = converted[tf_name].split("\n", 1)[0]
        assert unsealed(first_line) == "# " + unsealed(json.loads(text)["//"])
        (tmp_path / tf_name).write_text(converted[tf_name])
        assert is_generated(tmp_path / tf_name)


def test_policies_are_the_same_strings(example):
    files, converted = example
    interpolated = 0
    for name, text in files.items():
        for rtype, items in json.loads(text).get("resource", {}).items():
            for rname, body in items.items():
                if "policy" not in body:
                    continue
                [entry] = [e for e in hcl2.loads(converted[name.removesuffix(".json")])["resource"]
                           if f'"{rtype}"' in e and f'"{rname}"' in e[f'"{rtype}"']]
                source = entry[f'"{rtype}"'][f'"{rname}"']["policy"]
                assert source[0] == source[-1] == '"'  # a quoted template, not jsonencode(...)
                meaning = _template(body["policy"], backslash_escapes=False)
                assert _template(source[1:-1], backslash_escapes=True) == meaning
                interpolated += any(kind == "expr" for kind, _ in meaning)
    assert interpolated  # the pitfall (quotes around ${...}) was exercised


def test_deterministic():
    first = to_hcl(compile_ok(BASE_SPEC).files)
    assert to_hcl(compile_ok(BASE_SPEC).files) == first
    assert all(text.endswith("}\n") and "\n\n\n" not in text and " \n" not in text for text in first.values())


def test_module_option_leaves_out_the_provider():
    converted = to_hcl(compile_ok(BASE_SPEC, options=RenderOptions(module=True)).files)
    assert "provider.tf" not in converted and "vpc.tf" in converted


# -- strings and refusals --------------------------------------------------------

TRICKY = {
    "policy": '{"Sid":"A","Account":"${local.base}","Quote":"\\"${local.base}\\""}',
    "escaped": "$${not_a_ref} and %%{not_a_directive}",
    "unclosed": "a$${b and %%{c",
    "runs": "$$${local.base}|$$$${x}|$$|100%|trailing $",
    "backslash": "C:\\path\\n is not a newline",
    "controls": "line\nbreak\ttab\rcr\u0001\u007f",
    "unicode": "ünïcødé ✓ \u2028",
    "pure": "${local.base}",
    "mixed": "pre-${local.base}-post",
}
TRICKY_MAP = {"//": "a key, not a comment", "a b": "1", "true": "2", "$${k": "3", "sagemaker.api": "4",
              "plain_key": "${local.base}"}


def tricky_module() -> dict[str, str]:
    document = {"//": "Generated by netspec from t.yaml (sha256 0). Do not edit.",
                "locals": {"base": "B", **TRICKY, "map": TRICKY_MAP, "list": ["${local.base}", "x", 443, True, None]}}
    return {"locals.tf.json": json.dumps(document, sort_keys=True, indent=2) + "\n"}


def test_tricky_strings_round_trip_through_hcl2():
    files = tricky_module()
    converted = to_hcl(files)["locals.tf"]
    assert hcl_blocks(hcl2.loads(converted)) == json_blocks(json.loads(files["locals.tf.json"]))
    assert re.search(r"\n  pure +=  ?local\.base\n", converted)  # a pure reference is written bare
    assert '"a\\u0024{b and \\u0025{c"' in converted  # hcl2 cannot lex an unclosed $${


@pytest.mark.parametrize("document", [
    {"output": {"x": {"value": '${upper("a")}'}}},           # not a plain reference
    {"output": {"x": {"value": "%{ if true }a%{ endif }"}}},  # a template directive
    {"resource": {"t": {"n": {"depends_on": ["t.m"]}}}},      # an expression argument in JSON
    {"resource": {"t": {"n": {"bad name": 1}}}},
    {"moved": {"from": "a", "to": "b"}},
])
def test_refuses_what_it_cannot_translate_faithfully(document):
    with pytest.raises(ValueError):
        to_hcl({"x.tf.json": json.dumps({"//": "Generated by netspec", **document})})


# -- terraform -------------------------------------------------------------------

def _console(directory: Path, expression: str, env: dict[str, str]) -> str:
    done = subprocess.run([terraform.terraform_binary(), "console"], input=expression + "\n", cwd=directory,
                          env=env, text=True, capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.terraform
def test_terraform_reads_tricky_strings_the_same(tf_env, tmp_path):
    """Ground truth for the string pitfalls: terraform evaluates both files to the same values."""
    files = tricky_module()
    names = ["base", *TRICKY, "map", "list"]
    # base64: console prints strings in HCL notation; base64 text needs no unescaping.
    expression = "base64encode(jsonencode([" + ", ".join(f"local.{n}" for n in names) + "]))"
    values = []
    for file_name, text in (*files.items(), *to_hcl(files).items()):
        folder = tmp_path / file_name.replace(".", "_")
        folder.mkdir()
        (folder / file_name).write_text(text)
        values.append(json.loads(base64.b64decode(json.loads(_console(folder, expression, tf_env)))))
    assert values[0] == values[1]
    assert values[1][names.index("escaped")] == "${not_a_ref} and %{not_a_directive}"
    assert values[1][names.index("map")]["//"] == "a key, not a comment"


@pytest.mark.terraform
@pytest.mark.parametrize("spec", EXAMPLES, ids=lambda p: p.stem)
def test_hcl_module_validates(spec, tf_env, tmp_path):
    result = compile_text(spec.read_text(), spec.name)
    for name, text in to_hcl(result.files).items():
        (tmp_path / name).write_text(text)
    init = terraform.run(["init", "-backend=false", "-input=false", "-no-color"], tmp_path, tf_env)
    assert init.returncode == 0, init.stdout + init.stderr
    validated = terraform.run(["validate", "-json", "-no-color"], tmp_path, tf_env)
    report = json.loads(validated.stdout)
    assert validated.returncode == 0 and report["valid"], json.dumps(report["diagnostics"], indent=2)
    assert report["warning_count"] == 0, report["diagnostics"]


# Tag keys and values with what HCL must quote, and letters beyond ASCII (alignment counts characters).
TRICKY_TAGS = BASE_SPEC.replace("tags:\n  team: data-science", (
    'tags:\n  team: data-science\n  "a = b": "x = y"\n  équipe: données\n  "@:/+": "é"'))


@pytest.mark.terraform
def test_hcl_output_is_what_terraform_fmt_makes_of_it(tf_env, tmp_path):
    """Byte for byte: `terraform fmt -check` finds nothing to change in any example's HCL."""
    modules = {spec.stem: compile_text(spec.read_text(), spec.name).files for spec in EXAMPLES}
    modules["tricky-tags"] = compile_ok(TRICKY_TAGS).files
    modules["tricky-strings"] = tricky_module()
    modules["child-module"] = compile_ok(BASE_SPEC, options=RenderOptions(module=True)).files
    for name, files in modules.items():
        (tmp_path / name).mkdir()
        for file_name, text in to_hcl(files).items():
            (tmp_path / name / file_name).write_text(text, encoding="utf-8")
    done = terraform.run(["fmt", "-check", "-diff", "-recursive", "-no-color"], tmp_path, tf_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(list(tmp_path.rglob("*.tf"))) >= 20


# -- switching formats -----------------------------------------------------------

def test_switching_format_replaces_only_generated_files(tmp_path):
    files = compile_ok(BASE_SPEC).files
    converted = to_hcl(files)
    user_files = {"main_override.tf.json": '{"locals": {"mine": 1}}\n', "extra.tf": "locals {\n  mine2 = 2\n}\n"}
    for name, text in user_files.items():
        (tmp_path / name).write_text(text)
    apply_changes(tmp_path, files, plan_changes(tmp_path, files))

    to_hcl_changes = plan_changes(tmp_path, converted)
    assert {(c.path.name, c.change) for c in to_hcl_changes} == (
        {(n, Change.OBSOLETE) for n in files} | {(n, Change.MISSING) for n in converted})
    apply_changes(tmp_path, converted, to_hcl_changes)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*converted, *user_files])
    assert plan_changes(tmp_path, converted) == []

    back = plan_changes(tmp_path, files)
    assert {(c.path.name, c.change) for c in back} == (
        {(n, Change.OBSOLETE) for n in converted} | {(n, Change.MISSING) for n in files})
    apply_changes(tmp_path, files, back)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*files, *user_files])
    assert all((tmp_path / n).read_text() == t for n, t in user_files.items())


def test_hand_edited_tf_is_reported(tmp_path):
    converted = to_hcl(compile_ok(BASE_SPEC).files)
    apply_changes(tmp_path, converted, plan_changes(tmp_path, converted))
    (tmp_path / "vpc.tf").write_text((tmp_path / "vpc.tf").read_text().replace("true", "false"))
    assert [(c.path.name, c.change) for c in plan_changes(tmp_path, converted)] == [("vpc.tf", Change.EDITED)]


def test_cli_compile_format_hcl_and_back(tmp_path):
    spec = tmp_path / "ds-team.yaml"
    spec.write_text(BASE_SPEC)
    out = tmp_path / "out"
    module = out / "ds-team"
    module.mkdir(parents=True)
    (module / "notes.tf").write_text("# mine\n")

    done = run_cli("compile", str(spec), "--format", "hcl", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "spec(s) checked" in done.stderr and done.stdout == ""  # findings as text
    written = sorted(p.name for p in module.iterdir())
    assert "vpc.tf" in written and not any(n.endswith(".tf.json") for n in written)
    expected = to_hcl(compile_text(BASE_SPEC, str(spec)).files)
    assert {p.name: p.read_text() for p in module.glob("*.tf") if p.name != "notes.tf"} == expected
    assert run_cli("compile", str(spec), "--format", "hcl", "--out", str(out), "--check").returncode == 0
    assert run_cli("compile", str(spec), "--out", str(out), "--check").returncode == 1

    done = run_cli("compile", str(spec), "--out", str(out))
    assert done.returncode == 0, done.stderr
    written = sorted(p.name for p in module.iterdir())
    assert "vpc.tf.json" in written and [n for n in written if n.endswith(".tf")] == ["notes.tf"]
    assert (module / "notes.tf").read_text() == "# mine\n"


def test_cli_compile_rejects_an_unknown_format(tmp_path):
    assert run_cli("compile", "--format", "yaml", "--out", str(tmp_path)).returncode == 2
