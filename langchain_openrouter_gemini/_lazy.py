"""PEP 562 lazy exports: a package's public names, imported from their modules on first use."""

from __future__ import annotations

import importlib
from collections.abc import Mapping, MutableMapping
from typing import Any

__all__ = ["load_export"]


def load_export(
    package: str, exports: Mapping[str, str], name: str, namespace: MutableMapping[str, Any]
) -> Any:
    """The value of `package.name`, imported from `package.<exports[name]>` and cached.

    Args:
        package: The package's `__name__`.
        exports: Public name -> the submodule (relative to `package`) that defines it.
        name: The attribute asked for.
        namespace: The package's `globals()`, where the value is cached so later lookups
            never reach `__getattr__` again.

    Raises:
        AttributeError: `name` is not an export, as for any missing module attribute.

    """
    module = exports.get(name)
    if module is None:
        msg = f"module {package!r} has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(f"{package}.{module}"), name)
    namespace[name] = value
    return value
