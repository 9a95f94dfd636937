"""Import contracts: the CRM is separable, and it uses the storefront only through its front doors.

shop, orders and cms never import crm_embedded; crm_embedded imports shop and orders only
through selectors, services and signals modules (and orders.selectors) plus the shared kernel.
"""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FRONT_DOORS = {
    "crm_embedded.** -> shop.*.selectors",
    "crm_embedded.** -> shop.*.services",
    "crm_embedded.** -> shop.*.signals",
    "crm_embedded.** -> orders.selectors",
    "crm_embedded.** -> orders.signals",
    # The shared kernel: one error base, money, typed-text guards, widgets, the one CSV writer.
    "crm_embedded.** -> shop.errors",
    "crm_embedded.** -> shop.money",
    "crm_embedded.** -> shop.validators",
    "crm_embedded.** -> shop.widgets",
    "crm_embedded.** -> shop.csv_export",
}


def test_import_contracts_hold():
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_the_crm_contract_opens_only_the_front_doors():
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
        "contracts"
    ]
    crm = next(c for c in contracts if c["source_modules"] == ["crm_embedded"])
    assert crm["type"] == "forbidden"
    assert set(crm["forbidden_modules"]) == {"shop", "orders"}
    assert set(crm["ignore_imports"]) <= FRONT_DOORS


def test_the_crm_does_not_load_storefront_models_by_name():
    """get_model would reach a storefront model past the import contract: use a selector."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "crm_embedded").rglob("*.py")
        if "migrations" not in path.parts and "get_model(" in path.read_text()
    ]
    assert offenders == []
