"""Property-based tests (hypothesis) on the product's parsers.

Each property is bounded (`BOUNDED`) so a module runs in seconds, and hypothesis keeps no example
database: a failure found once is kept as an explicit ``@example`` beside the fix instead.
"""

from hypothesis import HealthCheck, settings


def bounded(max_examples: int = 200) -> settings:
    """Settings for one property: no deadline (the machine is shared and loaded), no example
    database written into the tree, and function-scoped fixtures allowed (they are read-only)."""
    return settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
