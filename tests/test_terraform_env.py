"""How netspec runs terraform: the runtime settings it adds, and that the user's own always win."""

from __future__ import annotations

import pytest

from netspec import terraform


@pytest.fixture
def clean(monkeypatch):
    for name in (*terraform.LOG_ENV, *terraform.RUNTIME_DEFAULTS):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_terraform_runs_with_less_garbage_collection_and_no_provider_sdk_trace(clean):
    env = terraform.environment(None)
    assert env["GOGC"] == "200" and env["TF_LOG_SDK"] == "off"
    assert env["TF_IN_AUTOMATION"] == "1"


def test_the_users_own_settings_win(clean):
    clean.setenv("GOGC", "50")
    clean.setenv("TF_LOG_SDK", "debug")
    env = terraform.environment(None)
    assert (env["GOGC"], env["TF_LOG_SDK"]) == ("50", "debug")


def test_an_empty_setting_is_the_users_too(clean):
    """GOGC= or TF_LOG_SDK= set empty: left as the user has it (each program's own default)."""
    clean.setenv("GOGC", "")
    clean.setenv("TF_LOG_SDK", "")
    env = terraform.environment(None)
    assert (env["GOGC"], env["TF_LOG_SDK"]) == ("", "")


@pytest.mark.parametrize("name", [n for n in terraform.LOG_ENV if n != "TF_LOG_SDK"])
def test_asking_terraform_for_any_log_keeps_the_provider_sdk_logs(clean, name):
    clean.setenv(name, "trace")
    env = terraform.environment(None)
    assert "TF_LOG_SDK" not in env and env[name] == "trace"
    assert env["GOGC"] == "200"  # only the logging default steps aside
