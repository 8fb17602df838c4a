"""The error names are listed once, in `errors/classes`, and every other list must agree.

`errors` re-exports that list whole. The package root has to spell the names out (its lazy
table and its typing imports are read statically, and importing `errors` would pull in the
SDK), so this test is what keeps the root from drifting away from the one list.
"""

from __future__ import annotations

import inspect

import langchain_openrouter_gemini as package
from langchain_openrouter_gemini import errors
from langchain_openrouter_gemini.errors import classes


def test_the_classes_list_names_every_error_class_defined_there() -> None:
    defined = {
        name
        for name, value in vars(classes).items()
        if inspect.isclass(value)
        and value.__module__ == classes.__name__
        and issubclass(value, errors.OpenRouterError)
    }
    assert set(classes.__all__) == defined


def test_errors_re_exports_the_classes_list_whole() -> None:
    assert set(classes.__all__) <= set(errors.__all__)
    for name in classes.__all__:
        assert getattr(errors, name) is getattr(classes, name)


def test_the_root_exports_exactly_the_error_classes_errors_does() -> None:
    error_classes = {
        name
        for name in errors.__all__
        if inspect.isclass(getattr(errors, name)) and issubclass(getattr(errors, name), Exception)
    }
    root_errors = {name for name in package.__all__ if name.endswith("Error")}
    assert root_errors == error_classes
    for name in error_classes:
        assert getattr(package, name) is getattr(errors, name)
