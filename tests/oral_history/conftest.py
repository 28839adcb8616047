import pytest
from django.utils import translation

from tests.conftest import choose_english


@pytest.fixture(autouse=True)
def english_messages(request):
    """Messages are asserted in English, whatever the translations catalogue holds."""
    choose_english(request)
    with translation.override("en"):
        yield
