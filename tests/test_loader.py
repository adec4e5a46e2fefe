"""Reading spec files: located values, and clear errors for every kind of unusable file."""

from __future__ import annotations

import pytest

from netspec.loader import MAX_DEPTH, MAX_SPEC_BYTES, MAX_VALUE_CHARS, load_bytes, load_text


def codes(findings):
    return sorted((f.code, f.location.line, f.location.col) for f in findings)


def test_positions_of_keys_and_values_are_one_based():
    doc, findings = load_text("a: 1\nb:\n  - x\n  - {c: yes-really}\n", "s.yaml")
    assert findings == []
    assert doc.key_marks[("b",)] == (2, 1)
    assert doc.value_marks[("b", 0)] == (3, 5)
    assert doc.value_marks[("b", 1, "c")] == (4, 9)
    assert str(doc.at(("b", 1, "c"))) == "s.yaml:4:9"


def test_absent_pointer_falls_back_to_nearest_parent():
    doc, _ = load_text("a:\n  b: 1\n", "s.yaml")
    assert (doc.at(("a", "missing")).line, doc.at(("a", "missing")).col) == (2, 3)


LOADER_CASES = [
    ("a: 1\nb: 2\na: 3\n", [("NS002", 3, 1)]),
    ("a: no\n", [("NS008", 1, 4)]),
    ("a: [on, off]\n", [("NS008", 1, 5), ("NS008", 1, 9)]),
    ("a: 010\n", [("NS008", 1, 4)]),
    ("a: 0x1F\n", [("NS008", 1, 4)]),
    ("a: 1:30\n", [("NS008", 1, 4)]),
    ("a: 1_000\n", [("NS008", 1, 4)]),
    ("a: &x 1\nb: *x\n", [("NS009", 2, 4)]),
    ("a: !!python/name:os.system x\n", [("NS009", 1, 4)]),
    ("base: &b {x: 1}\nc:\n  <<: *b\n", [("NS009", 3, 3), ("NS009", 3, 7)]),
    ("? [a]\n: 1\n", [("NS009", 1, 3)]),
    ("a: !!binary aGk=\n", [("NS009", 1, 4)]),
    # NS010: the 20th bracket is the 21st level (the root mapping is the first)
    ("a: " + "[" * 25 + "]" * 25 + "\n", [("NS010", 1, 23)]),
    ("a:\n" + "".join("  " * i + "- \n" for i in range(1, 40)), [("NS010", 21, 41)]),
    ("a: [x,\n  " + "{b: " * 30 + "1" + "}" * 30 + "]\n", [("NS010", 2, 75)]),
    # NS011: before int() (Python refuses 4,301+ digits) and before any message echoes it
    ("a: 1\nb: " + "1" * 4301 + "\n", [("NS011", 2, 4)]),
    ("a: 1\nb: '" + "x" * 200_000 + "'\n", [("NS011", 2, 4)]),
    ("? " + "k" * 1025 + "\n: 1\n", [("NS011", 1, 3)]),
    # NS012: an explicit tag the value does not fit
    ("a: !!int ds-team\n", [("NS012", 1, 4)]),
    ("a: !!float x\n", [("NS012", 1, 4)]),
    ('a: !!bool " x"\n', [("NS012", 1, 4)]),
    ('a: !!int ""\n', [("NS012", 1, 4)]),
    ("!!int x: 1\n", [("NS012", 1, 1)]),
]


@pytest.mark.parametrize("text, expected", LOADER_CASES)
def test_loader_findings(text, expected):
    _, findings = load_text(text, "s.yaml")
    assert codes(findings) == expected


def test_quoted_and_plain_words_are_fine():
    doc, findings = load_text('a: "no"\nb: false\nc: 10\nd: "010"\n', "s.yaml")
    assert findings == [] and doc.data == {"a": "no", "b": False, "c": 10, "d": "010"}


UNUSABLE = [
    (b"", "NS004", 1),
    (b"   \n# only a comment\n", "NS004", 1),
    (b"a: 1\n---\nb: 2\n", "NS005", 3),
    (b"- a\n- b\n", "NS006", 1),
    (b"just text\n", "NS006", 1),
    (b"a: [1, 2\n", "NS001", 1),
    (b"a: 1\n\tb: 2\n", "NS001", 2),
    (b"name: caf\xe9\n", "NS003", 1),
    (b"a\x00b", "NS003", 1),
    (b"a: " + b"x" * (MAX_SPEC_BYTES + 1), "NS007", 1),
]


@pytest.mark.parametrize("raw, code, line", UNUSABLE)
def test_unusable_files_get_one_clear_finding(raw, code, line):
    doc, findings = load_bytes(raw, "s.yaml")
    assert doc is None
    assert [(f.code, f.location.line) for f in findings] == [(code, line)]
    assert findings[0].hint


def test_utf8_bom_is_accepted():
    doc, findings = load_bytes(b"\xef\xbb\xbfa: 1\n", "s.yaml")
    assert findings == [] and doc.data == {"a": 1}


# The common YAML mistakes, each in netspec's words, located where the fix goes, with a caret.
SYNTAX_ERRORS = {
    "tab indentation": (
        "netspec: 1\nazs:\n\t- us-east-1a\n",
        "s.yaml:3:1: NS001 a tab indents this line; YAML indents with spaces only\n"
        "    3 | \\t- us-east-1a\n"
        "      | ^\n"
        "    hint: replace the tab with spaces, as many as the lines around it use\n"),
    "tab after a key": (
        "name:\tds-team\n",
        "s.yaml:1:6: NS001 a tab stands where YAML expects a value or a key; YAML separates with spaces\n"
        "    1 | name:\\tds-team\n"
        "      |      ^\n"
        "    hint: replace the tab with a space\n"),
    "indented too deep": (
        "netspec: 1\nname: ds-team\n  region: us-east-1\n",
        "s.yaml:3:3: NS001 bad indentation: `region` starts in column 3, but `name` on line 2 in column 1\n"
        "    3 |   region: us-east-1\n"
        "      |   ^\n"
        "    hint: keys of one mapping start in the same column; indent deeper only under a key that ends with `:`\n"),
    "indented off by one in a list item": (
        "buckets:\n  - name: data\n   access: read\n",
        "s.yaml:3:4: NS001 bad indentation: `access` starts in column 4, but `name` on line 2 in column 5\n"
        "    3 |    access: read\n"
        "      |    ^\n"
        "    hint: keys of one mapping start in the same column; indent deeper only under a key that ends with `:`\n"),
    "unclosed bracket": (
        "azs: [us-east-1a, us-east-1b\nservices: [s3]\n",
        "s.yaml:1:6: NS001 the `[` opened here is never closed\n"
        "    1 | azs: [us-east-1a, us-east-1b\n"
        "      |      ^\n"
        "    hint: add `]` after its last item, and separate items with `,`\n"),
    "unclosed brace": (
        "tags: {team: ds\n",
        "s.yaml:1:7: NS001 the `{` opened here is never closed\n"
        "    1 | tags: {team: ds\n"
        "      |       ^\n"
        "    hint: add `}` after its last item, and separate items with `,`\n"),
    "unclosed quote": (
        'netspec: 1\nname: "ds-team\nregion: us-east-1\n',
        's.yaml:2:7: NS001 the quoted text that starts here is never closed with `"`\n'
        '    2 | name: "ds-team\n'
        "      |       ^\n"
        '    hint: end the text with `"` on the same line\n'),
    "missing colon": (
        "netspec: 1\nname ds-team\nregion: us-east-1\n",
        "s.yaml:2:5: NS001 a colon is missing after the key `name`\n"
        "    2 | name ds-team\n"
        "      |     ^\n"
        "    hint: write `name: ds-team`\n"),
    "missing colon on the first key": (
        "netspec 1\nname: ds-team\n",
        "s.yaml:1:8: NS001 a colon is missing after the key `netspec`\n"
        "    1 | netspec 1\n"
        "      |        ^\n"
        "    hint: write `netspec: 1`\n"),
    "missing colon in a list item": (
        "buckets:\n  - name data\n    access: read\n",
        "s.yaml:2:9: NS001 a colon is missing after the key `name`\n"
        "    2 |   - name data\n"
        "      |         ^\n"
        "    hint: write `name: data`\n"),
    "a colon inside a value": (
        "tags:\n  note: see: wiki\n",
        "s.yaml:2:12: NS001 a second `:` in this line: YAML reads the value as another key\n"
        "    2 |   note: see: wiki\n"
        "      |            ^\n"
        '    hint: quote the value: `note: "see: wiki"`\n'),
}


@pytest.mark.parametrize("case", sorted(SYNTAX_ERRORS))
def test_yaml_syntax_errors_in_netspecs_words(case):
    from netspec.report import Summary, TextReport
    text, expected = SYNTAX_ERRORS[case]
    doc, findings = load_text(text, "s.yaml")
    assert doc is None
    assert TextReport().render(findings, Summary(1)) == expected


def test_limits_are_not_hit_by_what_a_spec_needs():
    text = "a:\n" + "".join("  " * i + "- \n" for i in range(1, MAX_DEPTH - 1)) + "b: " + "x" * MAX_VALUE_CHARS + "\n"
    doc, findings = load_text(text, "s.yaml")
    assert findings == [] and len(doc.data["b"]) == MAX_VALUE_CHARS


@pytest.mark.parametrize("text", ["a: !!int '0x13'\n", "a: !!float 1\n", "a: !!bool 'true'\n", "a: !!str 010\n"])
def test_explicit_tags_that_fit_are_read(text):
    doc, findings = load_text(text, "s.yaml")
    assert findings == [] and doc.data["a"] in (19, 1.0, True, "010")


@pytest.mark.parametrize("text", ["a: 0x13\n", "a: .nan\n", "a: -.inf\n", "a: yes\n", "a: 24:00\n", "a: !!int x\n",
                                  "a: " + "9" * 5000 + "\n", "a: !custom x\n"])
def test_flagged_values_stop_the_rules(text):
    """The loader keeps such a value as text (or drops it): rules, which may convert it, never run."""
    doc, _ = load_text(text, "s.yaml")
    assert doc.flagged == frozenset({("a",)})
