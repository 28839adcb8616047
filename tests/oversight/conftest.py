import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english_messages():
    """Findings are asserted in English, whatever the translations catalogue holds."""
    with translation.override("en"):
        yield
