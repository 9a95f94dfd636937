#!/usr/bin/env python
"""Django's command-line utility, with one-line errors for bad configuration."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from config.errors import run_with_clear_errors

    run_with_clear_errors(sys.argv)


if __name__ == "__main__":
    main()
