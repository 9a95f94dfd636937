"""Parts of the isolation sweep that each room of the code owns.

A module here defines ``PROBES: dict[str, Probe]`` (URL name -> how to call it for a side's
object) and ``objects(side) -> dict`` (the objects its probes need, merged into
``side.extra``). ``tests/test_isolation_sweep.py`` loads every module in this package, so a
room adds its object URLs to the sweep without editing the shared file.
"""

import importlib
import pkgutil
from dataclasses import dataclass


@dataclass(frozen=True)
class Probe:
    method: str
    kwargs: object  # (Side) -> dict
    # "admin": the company's admin; "buyer": its buyer (who sent the approval request);
    # "staff": its account manager
    actor: str = "admin"
    data: dict | None = None


def parts() -> list:
    """Every sweep part module in this package, by name."""
    return [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)
    ]
