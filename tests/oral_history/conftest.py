import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english_messages():
    """Messages are asserted in English, whatever the translations catalogue holds."""
    with translation.override("en"):
        yield
