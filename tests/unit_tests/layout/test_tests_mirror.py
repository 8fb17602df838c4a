"""The unit tests mirror the package: a test file sits in the folder of the home it tests."""

from __future__ import annotations

from pathlib import Path

UNIT_TESTS = Path(__file__).resolve().parents[1]


def test_no_test_file_sits_at_the_top_of_unit_tests() -> None:
    # A new test at the top is a test nobody will find beside the code it checks.
    loose = sorted(path.name for path in UNIT_TESTS.glob("test_*.py"))
    assert loose == [], f"move these into the folder of the home they test: {loose}"


def test_every_test_folder_is_a_package() -> None:
    # Without `__init__.py`, two folders holding a file of the same name clash at collection.
    folders = {path.parent for path in UNIT_TESTS.rglob("test_*.py")}
    missing = sorted(
        str(f.relative_to(UNIT_TESTS)) for f in folders if not (f / "__init__.py").exists()
    )
    assert missing == []
