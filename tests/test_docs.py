"""Every setting is documented in README.md; every message has a French translation."""

from pathlib import Path

from flashcoop.core.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_settings_are_documented():
    readme = (ROOT / "README.md").read_text()
    missing = [name for name in Settings.documented() if f"`{name}`" not in readme]
    assert missing == []


def test_every_message_is_translated_in_french():
    import runpy

    missing = runpy.run_path(str(ROOT / "scripts" / "i18n.py"))["missing"]()
    assert missing == {}, "run `python scripts/i18n.py` and translate these"
