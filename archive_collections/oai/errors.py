"""The protocol's error conditions, raised before a response starts and answered in-band."""

from __future__ import annotations

BAD_ARGUMENT = "badArgument"
BAD_RESUMPTION_TOKEN = "badResumptionToken"  # noqa: S105 - an error code, not a secret
BAD_VERB = "badVerb"
CANNOT_DISSEMINATE_FORMAT = "cannotDisseminateFormat"
ID_DOES_NOT_EXIST = "idDoesNotExist"
NO_RECORDS_MATCH = "noRecordsMatch"
NO_METADATA_FORMATS = "noMetadataFormats"
NO_SET_HIERARCHY = "noSetHierarchy"


class OaiError(Exception):
    """One OAI-PMH error: `code` is the protocol's, `message` says what was wrong with which
    argument, for the person reading the harvester's log."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message

    @property
    def echoes_arguments(self) -> bool:
        # The protocol forbids echoing the request's arguments when they were not understood.
        return self.code not in (BAD_VERB, BAD_ARGUMENT)
