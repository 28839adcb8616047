"""The six verbs. Each checks and queries eagerly, raising OaiError before anything is sent,
and returns the body that writes the answer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from django.db.models import Min

from archive_collections.models import OaiRecord

from . import config, formats, listing, sets, tokens
from .arguments import TOKEN, Arguments, date_range
from .errors import (
    BAD_ARGUMENT,
    BAD_RESUMPTION_TOKEN,
    ID_DOES_NOT_EXIST,
    NO_METADATA_FORMATS,
    NO_RECORDS_MATCH,
    NO_SET_HIERARCHY,
    OaiError,
)
from .formats import MetadataFormat
from .listing import Record
from .repository import Repository
from .set_listing import all_sets
from .writer import OAI, Body, leaf, utc

if TYPE_CHECKING:
    from .writer import Writer

# Before any record existed: still a valid earliestDatestamp for an empty repository.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
Verb = Callable[[Repository, Arguments], Body]
# Records rendered between two chunks sent: fewer, larger writes than one per record.
CHUNK_RECORDS = 25


def identify(repository: Repository, arguments: Arguments) -> Body:
    earliest = OaiRecord.objects.aggregate(first=Min("datestamp"))["first"] or EPOCH

    def body(xf: Writer) -> Iterator[None]:
        leaf(xf, "repositoryName", config.repository_name())
        leaf(xf, "baseURL", repository.base_url)
        leaf(xf, "protocolVersion", "2.0")
        for email in config.admin_emails():
            leaf(xf, "adminEmail", email)
        leaf(xf, "earliestDatestamp", utc(earliest))
        leaf(xf, "deletedRecord", "persistent")
        leaf(xf, "granularity", "YYYY-MM-DDThh:mm:ssZ")
        yield None

    return body


def list_metadata_formats(repository: Repository, arguments: Arguments) -> Body:
    identifier = arguments.get("identifier")
    if identifier is not None:
        _record(repository, identifier)
    offered = formats.offered()
    if not offered:
        raise OaiError(NO_METADATA_FORMATS, "this repository disseminates no metadata formats")

    def body(xf: Writer) -> Iterator[None]:
        for found in offered:
            with xf.element(f"{{{OAI}}}metadataFormat"):
                leaf(xf, "metadataPrefix", found.prefix)
                leaf(xf, "schema", found.schema)
                leaf(xf, "metadataNamespace", found.namespace)
        yield None

    return body


def list_sets(repository: Repository, arguments: Arguments) -> Body:
    if arguments.get(TOKEN) is not None:
        # Every set fits in one response, so no ListSets token was ever issued.
        raise OaiError(BAD_RESUMPTION_TOKEN, "ListSets issues no resumption tokens")
    kinds = config.set_kinds()
    if not kinds:
        raise OaiError(NO_SET_HIERARCHY, "this repository has no sets")
    found = all_sets(kinds)

    def body(xf: Writer) -> Iterator[None]:
        for spec, name in found:
            with xf.element(f"{{{OAI}}}set"):
                leaf(xf, "setSpec", spec)
                leaf(xf, "setName", name)
            yield None

    return body


def get_record(repository: Repository, arguments: Arguments) -> Body:
    chosen = formats.get(arguments.values["metadataPrefix"])
    record = _record(repository, arguments.values["identifier"])

    def body(xf: Writer) -> Iterator[None]:
        _write_record(xf, repository, record, chosen)
        yield None

    return body


def list_identifiers(repository: Repository, arguments: Arguments) -> Body:
    return _list(repository, arguments, with_metadata=False)


def list_records(repository: Repository, arguments: Arguments) -> Body:
    return _list(repository, arguments, with_metadata=True)


VERBS: dict[str, Verb] = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
}


def _list(repository: Repository, arguments: Arguments, *, with_metadata: bool) -> Body:
    token = arguments.get(TOKEN)
    position = tokens.read(token, arguments.verb) if token is not None else None
    selection = position.selection if position else _selection(arguments)
    chosen = formats.get(selection.prefix)
    if position is None:
        # A harvest starts from a reconciled state; within it, signals keep records current.
        OaiRecord.objects.reconcile()
    size = config.page_size()
    after = (position.datestamp, position.pk) if position else None
    records = listing.page(selection, after, size, with_items=with_metadata)
    if not records:
        raise OaiError(NO_RECORDS_MATCH, "no records match these arguments")
    more, records = len(records) > size, records[:size]
    cursor = position.cursor if position else 0
    total = position.total if position else listing.selected(selection).count()
    total = max(total, cursor + len(records) + (1 if more else 0))
    following = None
    if more:
        last = records[-1]
        following = tokens.Position(
            arguments.verb, selection, last.datestamp, last.pk, cursor + len(records), total
        )

    def body(xf: Writer) -> Iterator[None]:
        for number, record in enumerate(records, start=1):
            if with_metadata:
                _write_record(xf, repository, record, chosen)
            else:
                _write_header(xf, repository, record)
            if number % CHUNK_RECORDS == 0:
                yield None
        if following is not None:
            attrs = {"completeListSize": str(total), "cursor": str(cursor)}
            leaf(
                xf,
                "resumptionToken",
                tokens.issue(following),
                expirationDate=utc(tokens.expires()),
                **attrs,
            )
        elif position is not None:
            # The last page of a list that took several: an empty token closes it.
            leaf(xf, "resumptionToken", "", completeListSize=str(total), cursor=str(cursor))
        yield None

    return body


def _selection(arguments: Arguments) -> tokens.Selection:
    set_spec = arguments.get("set")
    if set_spec is not None:
        kinds = config.set_kinds()
        if not kinds:
            raise OaiError(NO_SET_HIERARCHY, "this repository has no sets")
        if not sets.is_valid(set_spec):
            raise OaiError(BAD_ARGUMENT, f"set={set_spec!r} is not a setSpec")
        if set_spec.split(":", 1)[0] not in kinds:
            raise OaiError(NO_RECORDS_MATCH, f"there is no set {set_spec!r}")
    dates = date_range(arguments.get("from"), arguments.get("until"))
    return tokens.Selection(arguments.values["metadataPrefix"], set_spec, dates)


def _record(repository: Repository, identifier: str) -> Record:
    item_identifier = repository.item_identifier(identifier)
    record = listing.one(item_identifier) if item_identifier else None
    if record is None:
        raise OaiError(ID_DOES_NOT_EXIST, f"no record {identifier!r} in this repository")
    return record


def _write_header(xf: Writer, repository: Repository, record: Record) -> None:
    attrs = {"status": "deleted"} if record.deleted else {}
    with xf.element(f"{{{OAI}}}header", attrs):
        leaf(xf, "identifier", repository.oai_identifier(record.identifier))
        leaf(xf, "datestamp", utc(record.datestamp))
        kinds = config.set_kinds()
        for spec in record.set_specs:
            if spec.split(":", 1)[0] in kinds:
                leaf(xf, "setSpec", spec)


def _write_record(
    xf: Writer, repository: Repository, record: Record, chosen: MetadataFormat
) -> None:
    with xf.element(f"{{{OAI}}}record"):
        _write_header(xf, repository, record)
        if not record.deleted:
            with xf.element(f"{{{OAI}}}metadata"):
                xf.write(chosen.render(record, repository))
