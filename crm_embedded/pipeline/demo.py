"""Demo data of this room for ``seed_demo`` (idempotent)."""


def demo_ensure() -> int:
    """Create this room's demo rows that are missing; return how many were created."""
    return 0
