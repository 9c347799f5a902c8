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


def test_error_codes_are_declared_and_documented():
    import importlib
    import inspect
    from enum import StrEnum

    from flashcoop.core.errors import CoreError
    from flashcoop.domains import house

    declared = [CoreError, *house().error_codes.values()]
    # An enumeration of codes that no domain declares would escape this test: find them all.
    for path in sorted((ROOT / "flashcoop").glob("*/errors.py")):
        module = importlib.import_module(f"flashcoop.{path.parent.name}.errors")
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, StrEnum) and value is not StrEnum:
                assert value in declared, f"{value.__name__} is not declared by its domain"
    text = (ROOT / "docs" / "errors.md").read_text()
    missing = [code.value for enum in declared for code in enum if f"`{code.value}`" not in text]
    assert missing == []
