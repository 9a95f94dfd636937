"""Part numbers and SKUs compared the way buyers type them."""

import re

_NOT_CODE = re.compile(r"[^0-9A-Z]+")


def normalize_code(value: str) -> str:
    """Upper-case letters and digits only: '6204 2rs', '6204-2RS' and '6204.2RS' are one code."""
    return _NOT_CODE.sub("", (value or "").upper())
