import os
import stat

import pytest

from services.settings import SettingsError, cookie_key, load_settings, secret_file


def test_cookie_key_is_generated_once_with_mode_0600(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("CXC_COOKIE_KEY", raising=False)
    monkeypatch.setenv("CXC_DATA_DIR", str(tmp_path))
    first = cookie_key()
    assert len(first) >= 48 and cookie_key() == first
    assert stat.S_IMODE(os.stat(tmp_path / "cookie_key").st_mode) == 0o600


def test_cookie_key_from_the_environment_wins(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("CXC_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("CXC_COOKIE_KEY", "k" * 40)
    assert cookie_key() == "k" * 40
    assert not (tmp_path / "cookie_key").exists()


def test_short_cookie_key_is_refused_with_its_name(monkeypatch) -> None:
    monkeypatch.setenv("CXC_COOKIE_KEY", "short")
    with pytest.raises(SettingsError, match="CXC_COOKIE_KEY"):
        cookie_key()


def test_bad_number_setting_names_the_variable(monkeypatch) -> None:
    monkeypatch.setenv("CXC_LOCK_MINUTES", "fifteen")
    with pytest.raises(SettingsError, match="CXC_LOCK_MINUTES must be a whole number"):
        load_settings()


def test_defaults_lock_after_five_failures_for_fifteen_minutes(monkeypatch) -> None:
    for name in ("CXC_MAX_FAILED_LOGINS", "CXC_LOCK_MINUTES"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert (settings.max_failed_logins, settings.lock_minutes) == (5, 15)


def test_secret_file_keeps_restrictive_mode_even_if_loosened(tmp_path) -> None:
    secret_file("s", tmp_path)
    os.chmod(tmp_path / "s", 0o644)
    secret_file("s", tmp_path)
    assert stat.S_IMODE(os.stat(tmp_path / "s").st_mode) == 0o600
