"""Settings: defaults, environment variables, and a clear refusal of bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from policykg.api.settings import Settings


def test_environment_then_overrides(monkeypatch):
    monkeypatch.setenv("POLICYKG_QUERY_TIMEOUT", "2.5")
    monkeypatch.setenv("POLICYKG_ROW_LIMIT", "77")
    monkeypatch.setenv("POLICYKG_DATA_DIR", "/tmp/somewhere")
    settings = Settings.from_env(row_limit=5)
    assert (settings.query_timeout_s, settings.row_limit, settings.data_dir) == (2.5, 5, Path("/tmp/somewhere"))
    assert Settings.from_env(backend=None).backend == "embedded"


@pytest.mark.parametrize("variable, value, message", [
    ("POLICYKG_ROW_LIMIT", "lots", "row_limit: 'lots' is not a whole number"),
    ("POLICYKG_QUERY_TIMEOUT", "0", "must be positive"),
    ("POLICYKG_BACKEND", "mysql", "choose one of embedded, neo4j"),
    ("POLICYKG_SPARQL_MEMORY_MB", "-1", "must be positive"),
])
def test_bad_values_are_refused_with_the_setting_named(monkeypatch, variable, value, message):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValueError, match=message):
        Settings.from_env()


def test_serve_refuses_bad_settings_before_starting(monkeypatch, built, capsys):
    from policykg.cli import main

    monkeypatch.setenv("POLICYKG_ROW_LIMIT", "lots")
    assert main(["serve", "--data-dir", str(built[1]), "--port", "1"]) == 2
    assert "row_limit" in capsys.readouterr().err
