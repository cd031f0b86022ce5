"""Safe, streaming XML reading for list files (SDN.XML, SDN_ADVANCED.XML).

List files are large and come from the network, so they are read with lxml's ``iterparse`` and
hardened against hostile input:

* no entity substitution, no DTD loading, no network access, no "huge tree" mode;
* a document type declaration that declares entities (billion laughs, external entities such as
  ``file:///etc/passwd``) or points at an external DTD is refused before the first element is read.
  OFAC's files carry no DOCTYPE at all, so refusing one costs nothing.

Element names are compared by local name, so a file reads the same whatever namespace it uses
(OFAC's legacy ``http://tempuri.org/sdnList.xsd``, the Sanctions List Service namespace, or none).
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from lxml import etree

from importers.sources.base import SourceError

Element = etree._Element


def localname(element: Element) -> str:
    """The element's name without its namespace: ``{http://tempuri.org/sdnList.xsd}uid`` -> ``uid``."""
    tag = element.tag
    if not isinstance(tag, str):  # comments and processing instructions
        return ""
    return tag.rsplit("}", 1)[-1]


def text_of(element: Element | None) -> str:
    """The element's text with the indentation around it removed; "" for a missing or empty element."""
    if element is None or element.text is None:
        return ""
    return element.text.strip()


def children(element: Element) -> list[Element]:
    """Child elements only (comments and processing instructions left out)."""
    return [child for child in element if isinstance(child.tag, str)]


def fields_of(element: Element) -> dict[str, list[Element]]:
    """Children grouped by local name, in document order, for pop-and-audit parsing."""
    grouped: dict[str, list[Element]] = {}
    for child in children(element):
        grouped.setdefault(localname(child), []).append(child)
    return grouped


def _refuse_hostile_doctype(root: Element, what: str) -> None:
    docinfo = root.getroottree().docinfo
    if docinfo.system_url or docinfo.public_id:
        raise SourceError(f"{what}: refusing an external DTD ({docinfo.system_url or docinfo.public_id!r})")
    dtd = docinfo.internalDTD
    if dtd is not None:
        names = [entity.name for entity in dtd.entities()]
        if names:
            raise SourceError(f"{what}: refusing a DOCTYPE that declares entities ({', '.join(names[:5])})")


def iterparse(data: bytes, *, what: str, root: str | tuple[str, ...]) -> Iterator[tuple[str, Element]]:
    """Yield ``(event, element)`` pairs ("start"/"end") of a list file, safely.

    1. Empty input and a hostile DOCTYPE raise ``SourceError`` before anything is yielded.
    2. The root element must have the local name ``root`` (or one of them); a different list or
       file raises ``SourceError``.
    3. Malformed or truncated XML raises ``SourceError`` naming the line.

    The caller clears elements it has finished with (see ``release``) so memory stays flat.
    """
    roots = (root,) if isinstance(root, str) else root
    if not data or not data.strip():
        raise SourceError(f"{what}: the file is empty")
    parser = etree.iterparse(
        io.BytesIO(data),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    seen_root = False
    try:
        for event, element in parser:
            if not seen_root:
                seen_root = True
                _refuse_hostile_doctype(element, what)
                if localname(element) not in roots:
                    raise SourceError(
                        f"{what}: root element is <{localname(element)}>, expected <{'> or <'.join(roots)}>"
                        " (a different list or file?)"
                    )
            yield event, element
    except etree.XMLSyntaxError as exc:
        raise SourceError(f"{what}: not well-formed XML (truncated or not XML?): {exc}") from exc
    if not seen_root:
        raise SourceError(f"{what}: no XML element found")


def release(element: Element) -> None:
    """Free a finished element and the siblings already read before it."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]
