"""Indexing for Wagtail's database search backends (search/wagtail_db_backend.py,
search/wagtail_db_sqlite.py): the values Wagtail's own indexers store are the product's recall
token streams (search/analysis.py), and query terms become token phrases.

Wagtail's indexers (modelsearch ObjectIndexer, one per database) read an object's search
fields and call each field's get_value(). TokenisingIndexMixin hands them each object behind a
thin wrapper whose fields return token streams instead, so Wagtail's `update_index`, its
signal handlers and its index tables are used unchanged. Related objects reached through
RelatedFields (image tags) are the real ones; their fields are wrapped the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.encoding import force_str
from modelsearch.index import AutocompleteField, RelatedFields, SearchField

from .analysis import index_tokens, phrase_tokens

__all__ = ["TokenisingIndexMixin", "indexed_text", "query_phrases"]


def _flatten(value: Any) -> str:
    # Wagtail's indexers join lists and dicts with ", "; stream fields give lists of strings.
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return " ".join(_flatten(item) for item in value)
    if isinstance(value, dict):
        return " ".join(_flatten(item) for item in value.values())
    return force_str(value)


def indexed_text(value: Any) -> str:
    """What the index stores for one field value: its recall token stream, space-separated."""
    return " ".join(index_tokens(_flatten(value)))


def query_phrases(terms: Iterable[str]) -> list[list[str]]:
    """The token phrase of each query term that has anything searchable in it."""
    return [tokens for tokens in (phrase_tokens(term) for term in terms) if tokens]


class _Tokenised:
    """An object as Wagtail's indexers see it: its primary key, and search fields whose values
    are token streams. Related objects reached through RelatedFields are the real ones."""

    __slots__ = ("obj",)

    def __init__(self, obj: Any) -> None:
        self.obj = obj

    @property
    def pk(self) -> Any:
        return self.obj.pk

    def get_search_fields(self) -> list:
        return _tokenised_fields(type(self.obj).get_search_fields())


def _real(obj: Any) -> Any:
    return obj.obj if isinstance(obj, _Tokenised) else obj


class _TokenisedSearchField(SearchField):
    def __init__(self, original: SearchField) -> None:
        super().__init__(original.field_name, boost=original.boost, **original.kwargs)
        self.original = original

    def get_value(self, obj: Any) -> str:
        return indexed_text(self.original.get_value(_real(obj)))


class _TokenisedAutocompleteField(AutocompleteField):
    def __init__(self, original: AutocompleteField) -> None:
        super().__init__(original.field_name, **original.kwargs)
        self.original = original

    def get_value(self, obj: Any) -> str:
        return indexed_text(self.original.get_value(_real(obj)))


class _TokenisedRelatedFields(RelatedFields):
    def __init__(self, original: RelatedFields) -> None:
        super().__init__(original.field_name, _tokenised_fields(original.fields))
        self.original = original

    def get_value(self, obj: Any) -> Any:
        return self.original.get_value(_real(obj))


def _tokenised_fields(fields: Iterable) -> list:
    wrapped = []
    for field in fields:
        if isinstance(field, SearchField):
            wrapped.append(_TokenisedSearchField(field))
        elif isinstance(field, AutocompleteField):
            wrapped.append(_TokenisedAutocompleteField(field))
        elif isinstance(field, RelatedFields):
            wrapped.append(_TokenisedRelatedFields(field))
        else:  # filter fields: not read by the database indexers
            wrapped.append(field)
    return wrapped


class TokenisingIndexMixin:
    def add_items(self, model, objs):
        return super().add_items(model, [_Tokenised(obj) for obj in objs])  # type: ignore[misc]
