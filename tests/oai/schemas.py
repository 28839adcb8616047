"""The official XML schemas the responses are validated against, loaded from published packages.

No package installs OAI-PMH.xsd or the DCMI simpledc schema as a file: cubicweb-oaipmh ships
the OAI-PMH schema and core-oaipmh-provider-app the simple DC one inside their source
distributions only. So those two are fetched once with pip (PyPI, pinned versions, the
archives' SHA-256 checked) into the download cache the service scripts share
(~/.cache/scientist-archive/oai-schemas, or $ARCHIVE_CACHE_DIR), so a fresh clone on the same
machine needs no network. MODS 3.4, oai_dc and XLink come from
the installed eulxml, the XML namespace schema from the installed xmlschema.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

CACHE = (
    Path(os.environ.get("ARCHIVE_CACHE_DIR") or Path.home() / ".cache" / "scientist-archive")
    / "oai-schemas"
)


@dataclass(frozen=True)
class SourceArchive:
    requirement: str
    filename: str
    sha256: str
    members: dict[str, str]  # name we keep -> path inside the archive


# The official schema (2004, with Simeon Warner's 2008 spelling correction) and its strict
# wildcards, so the metadata inside records is validated too. (pyoai's copy relaxes them to
# "skip", which would check the envelope only.)
CUBICWEB = SourceArchive(
    "cubicweb-oaipmh==1.0.1",
    "cubicweb-oaipmh-1.0.1.tar.gz",
    "e5c7672477568c56ed50c185426837741d55127bf10442db11850496f558d4bf",
    {"OAI-PMH.xsd": "cubicweb-oaipmh-1.0.1/test/data/OAI-PMH.xsd"},
)
CORE_PROVIDER = SourceArchive(
    "core-oaipmh-provider-app==2.23.0",
    "core_oaipmh_provider_app-2.23.0.tar.gz",
    "4df9ca2de912d3cbb73ed2b8d55de18c3bb23a95bf900a767cc8d6d1dfddd038",
    {
        "simpledc20021212.xsd": "core_oaipmh_provider_app-2.23.0/core_oaipmh_provider_app/"
        "static/core_oaipmh_provider_app/xsd/simpledc20021212.xsd"
    },
)


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.submodule_search_locations, f"{name} is not installed"
    return Path(next(iter(spec.submodule_search_locations)))


def _from_archive(source: SourceArchive) -> dict[str, Path]:
    kept = {name: CACHE / name for name in source.members}
    if all(path.exists() for path in kept.values()):
        return kept
    CACHE.mkdir(parents=True, exist_ok=True)
    archive = CACHE / source.filename
    # Downloaded and extracted beside the cache, then renamed into it: pytest-xdist workers
    # may fetch at the same time, and none may read another's half-written file.
    with tempfile.TemporaryDirectory(dir=CACHE) as scratch:
        if not archive.exists():
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "pip",
                    "download",
                    "--quiet",
                    "--no-deps",
                    "--no-binary",
                    ":all:",
                    "--dest",
                    scratch,
                    source.requirement,
                ],
                check=True,
            )
            os.replace(Path(scratch) / source.filename, archive)
        digest = hashlib.sha256(archive.read_bytes()).hexdigest()
        assert digest == source.sha256, f"{archive.name} is not the published archive ({digest})"
        with tarfile.open(archive) as tar:
            for name, member in source.members.items():
                extracted = tar.extractfile(member)
                assert extracted is not None, f"{member} missing from {archive.name}"
                part = Path(scratch) / name
                part.write_bytes(extracted.read())
                os.replace(part, kept[name])
    return kept


def schema_files() -> dict[str, Path]:
    eulxml = _package_dir("eulxml") / "schema_data"
    files = {
        **_from_archive(CUBICWEB),
        **_from_archive(CORE_PROVIDER),
        "oai_dc.xsd": eulxml / "oai_dc.xsd",
        "mods-3-4.xsd": eulxml / "mods-3-4.xsd",
        "xlink.xsd": eulxml / "xlink.xsd",
        "xml.xsd": _package_dir("xmlschema") / "schemas" / "XML" / "xml.xsd",
    }
    for path in files.values():
        assert path.exists(), path
    return files


class _Local(etree.Resolver):
    """Answers the schemas' imports of remote schema locations with the local copies."""

    REMOTE = {
        "http://dublincore.org/schemas/xmls/simpledc20021212.xsd": "simpledc20021212.xsd",
        "http://www.w3.org/2001/03/xml.xsd": "xml.xsd",
        "http://www.w3.org/2001/xml.xsd": "xml.xsd",
        "http://www.loc.gov/mods/xml.xsd": "xml.xsd",
        "http://www.loc.gov/standards/xlink/xlink.xsd": "xlink.xsd",
    }

    def __init__(self, files: dict[str, Path]) -> None:
        super().__init__()
        self.files = files

    def resolve(self, system_url, public_id, context):  # type: ignore[no-untyped-def]
        local = self.REMOTE.get(system_url)
        if local is None and system_url.startswith("http"):
            raise AssertionError(f"a schema imports {system_url}, which has no local copy")
        if local is not None:
            return self.resolve_filename(str(self.files[local]), context)
        return None


def response_schema() -> etree.XMLSchema:
    """One schema for whole responses: OAI-PMH's strict wildcards for metadata need the
    oai_dc and MODS schemas loaded beside it."""
    files = schema_files()
    imports = {
        "http://www.openarchives.org/OAI/2.0/": files["OAI-PMH.xsd"],
        "http://www.openarchives.org/OAI/2.0/oai_dc/": files["oai_dc.xsd"],
        "http://www.loc.gov/mods/v3": files["mods-3-4.xsd"],
    }
    driver = "".join(
        f'<xs:import namespace="{ns}" schemaLocation="{path.as_uri()}"/>'
        for ns, path in imports.items()
    )
    text = f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{driver}</xs:schema>'
    parser = etree.XMLParser()
    parser.resolvers.add(_Local(files))
    return etree.XMLSchema(etree.fromstring(text.encode(), parser, base_url=str(CACHE) + "/"))
