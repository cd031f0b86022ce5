"""Reading the allied files safely: spreadsheets (zip containers), tar.gz archives of YAML, YAML documents.

The files come from the network, so every container is checked before anything trusts it:

* **xlsx**: the zip is opened and every member is decompressed in a stream with a hard cap before the
  spreadsheet reader sees it, so a zip bomb or a member that lies about its size is refused. The
  reader (python-calamine) parses the sheet XML without a DTD, so entity expansion cannot happen there.
* **tar.gz**: members are read in memory, never extracted. A member with an absolute path or a ``..``
  component refuses the whole archive (whoever built it meant harm or broke it), and so does a link
  pointing to such a path; other links and devices are skipped with a warning; member count, member
  size and total size are capped.
* **YAML**: never a loader that can build Python objects. PyYAML parses each document (through libyaml,
  the C parser it binds, where installed) and ``load_yaml`` builds plain ``str``, ``list`` and ``dict``
  from the parser's events: a stricter subset of ``yaml.safe_load`` (no implicit typing, no tags beyond
  the YAML core ones, no anchors or aliases - the means of a "billion laughs" -, no duplicate keys, a
  depth cap). It is also what makes the scrapes fast enough: for the UK scrape's 6,350 documents, measured
  in CPU seconds on one machine, ``yaml.safe_load`` takes 49.5 s, libyaml's ``CSafeLoader`` 4.9 s, this
  2.1 s. It never asks libyaml to compose a node graph: that recurses in C once per nesting level, and
  200,000 nested "[" crash the process.

Structural failures raise ``SourceError`` (the run fails); a single bad document raises ``BadDocument``,
which parsers turn into a warning and a skipped record.
"""

from __future__ import annotations

import io
import re
import tarfile
import zipfile
import zlib
from pathlib import PurePosixPath

import yaml
from python_calamine import CalamineError, CalamineWorkbook

from importers.sources.base import SourceError

MAX_ZIP_MEMBERS = 2_000
MAX_ZIP_BYTES = 512 * 1024 * 1024  # all members decompressed; OFSI's 2 MB xlsx holds about 30 MB
MAX_TAR_MEMBERS = 50_000  # the scrapes hold 3,900 to 6,400 documents
MAX_TAR_MEMBER_BYTES = 2 * 1024 * 1024  # one designee's YAML; the largest seen is under 100 KB
MAX_TAR_BYTES = 512 * 1024 * 1024
_CHUNK = 1024 * 1024


class BadDocument(Exception):
    """One document of an archive cannot be read; the parser skips it with a warning."""


# --- Spreadsheets ----------------------------------------------------------------------------------


def check_zip(data: bytes, *, what: str) -> None:
    """Refuse a zip container that is empty, truncated, corrupt or a decompression bomb.

    Every member is decompressed as a stream and counted: the sizes the archive declares are not trusted.
    """
    if not data:
        raise SourceError(f"{what}: the file is empty")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise SourceError(f"{what}: not a spreadsheet (truncated, or not an xlsx file): {exc}") from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise SourceError(f"{what}: refusing a spreadsheet with {len(members)} parts")
        total = 0
        try:
            for member in members:
                with archive.open(member) as stream:
                    while chunk := stream.read(_CHUNK):
                        total += len(chunk)
                        if total > MAX_ZIP_BYTES:
                            raise SourceError(
                                f"{what}: refusing a spreadsheet that decompresses to more than "
                                f"{MAX_ZIP_BYTES // (1024 * 1024)} MiB (a zip bomb?)"
                            )
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
            raise SourceError(f"{what}: corrupt spreadsheet (truncated?): {exc}") from exc


def read_sheet(data: bytes, *, what: str, sheet: str | None = None) -> tuple[str, list[list[object]]]:
    """The rows of one worksheet of an xlsx file, as Python values (str, float, date), positions kept.

    ``sheet`` names the worksheet; None takes the first. A missing worksheet raises ``SourceError``.
    """
    check_zip(data, what=what)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = workbook.sheet_names
        if sheet is None:
            if not names:
                raise SourceError(f"{what}: the workbook has no worksheet")
            sheet = names[0]
        elif sheet not in names:
            raise SourceError(f"{what}: no worksheet named {sheet!r} (it has {', '.join(names) or 'none'})")
        rows = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except CalamineError as exc:
        raise SourceError(f"{what}: the spreadsheet cannot be read: {exc}") from exc
    return sheet, rows


# --- Archives --------------------------------------------------------------------------------------


def _unsafe_path(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return path.is_absolute() or ".." in path.parts or re.match(r"^[A-Za-z]:", name) is not None


def tar_files(data: bytes, *, what: str) -> tuple[list[tuple[str, bytes]], list[str]]:
    """The regular files of a .tar.gz (or plain .tar), in archive order, read in memory.

    Returns ``(files, warnings)``. Refuses (``SourceError``) the whole archive when it is empty, truncated
    or corrupt, when any member's path is absolute or climbs with ``..``, or when it exceeds the caps.
    """
    if not data:
        raise SourceError(f"{what}: the file is empty")
    files: list[tuple[str, bytes]] = []
    warnings: list[str] = []
    total = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
            for count, member in enumerate(archive, start=1):
                if count > MAX_TAR_MEMBERS:
                    raise SourceError(f"{what}: refusing an archive of more than {MAX_TAR_MEMBERS} members")
                link = member.islnk() or member.issym()
                if _unsafe_path(member.name) or (link and _unsafe_path(member.linkname)):
                    raise SourceError(f"{what}: refusing an archive with the unsafe member path {member.name!r}")
                if member.isdir():
                    continue
                if not member.isfile():
                    warnings.append(f"{what}: skipped {member.name!r}, which is not a regular file")
                    continue
                if member.size > MAX_TAR_MEMBER_BYTES:
                    raise SourceError(f"{what}: refusing an archive member of {member.size} bytes ({member.name!r})")
                total += member.size
                if total > MAX_TAR_BYTES:
                    raise SourceError(f"{what}: refusing an archive of more than {MAX_TAR_BYTES} bytes")
                stream = archive.extractfile(member)
                content = stream.read(MAX_TAR_MEMBER_BYTES + 1) if stream is not None else b""
                if len(content) != member.size:
                    raise SourceError(f"{what}: member {member.name!r} is truncated")
                files.append((member.name, content))
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise SourceError(f"{what}: not a readable tar.gz archive (truncated?): {exc}") from exc
    if not files:
        raise SourceError(f"{what}: the archive holds no files")
    return files, warnings


# --- YAML ------------------------------------------------------------------------------------------

_CORE_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")
)
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
MAX_DEPTH = 64  # the scrapes nest four levels deep
# PyYAML's C parser where installed (libyaml), its pure-Python parser otherwise; only its events are used.
_PARSER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


def load_yaml(data: bytes) -> object:
    """One YAML document as plain ``str``, ``list`` and ``dict`` (None for a null); ``BadDocument`` if it cannot be.

    The document is built straight from the parser's events (``yaml.parse``): no node graph, no
    resolver, no constructor. Scalars stay text ("true", "1958"): callers convert the few flags and
    numbers they read. Refused: anchors and aliases, tags outside the YAML core schema, keys that are not
    text or appear twice, nesting deeper than ``MAX_DEPTH``, more than one document.
    """
    if len(data) > MAX_TAR_MEMBER_BYTES:
        raise BadDocument(f"a document of {len(data)} bytes")
    root: object = None
    documents = 0
    stack: list = []  # open collections
    keys: list = []  # per open collection: a mapping's pending key (None: a key is next); False: a sequence
    # Event classes as locals: this loop runs once per event, 1.4 million times for the EU scrape.
    scalar, mapping_start, sequence_start = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    mapping_end, sequence_end, stream_end = yaml.MappingEndEvent, yaml.SequenceEndEvent, yaml.StreamEndEvent
    try:
        parser = _PARSER(data)
    except yaml.YAMLError as exc:  # the pure-Python reader checks the encoding up front
        raise BadDocument(f"not valid YAML: {exc}") from exc
    get_event = parser.get_event  # the loop yaml.parse() runs, without its generator
    try:
        while True:
            event = get_event()
            kind = type(event)
            if kind is scalar or kind is mapping_start or kind is sequence_start:
                if event.anchor is not None:
                    raise BadDocument("uses YAML anchors, which this source never does")
                if event.tag is not None and event.tag not in _CORE_TAGS:
                    raise BadDocument(f"refusing the YAML tag {event.tag!r}")
                if kind is scalar:
                    # implicit[0]: a plain scalar without a tag (libyaml reports its style as "", PyYAML as None)
                    value = None if event.implicit[0] and event.value in _NULLS else event.value
                elif len(stack) >= MAX_DEPTH:
                    raise BadDocument("nested too deeply")
                else:
                    value = {} if kind is mapping_start else []
                if not stack:
                    root = value
                elif keys[-1] is False:  # inside a sequence
                    stack[-1].append(value)
                elif keys[-1] is None:
                    if kind is not scalar or value is None:
                        raise BadDocument("a mapping key that is not text")
                    if value in stack[-1]:
                        raise BadDocument(f"the key {value!r} appears twice")
                    keys[-1] = value
                else:
                    stack[-1][keys[-1]] = value
                    keys[-1] = None
                if kind is not scalar:
                    stack.append(value)
                    keys.append(None if kind is mapping_start else False)
            elif kind is mapping_end or kind is sequence_end:
                stack.pop()
                keys.pop()
            elif kind is stream_end:
                break
            elif kind is yaml.AliasEvent:
                raise BadDocument("uses YAML aliases, which this source never does")
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise BadDocument("holds more than one YAML document")
    except yaml.YAMLError as exc:
        raise BadDocument(f"not valid YAML: {exc}") from exc
    finally:
        parser.dispose()
    return root
