"""Parse untrusted XML (Moodle XML, QTI) safely, keeping each element's line number.

Quiz banks come from other systems and other people, so parsing goes through
defusedxml: entity declarations, external references and DTD tricks (the "billion
laughs" and XXE attacks) are refused instead of expanded. The tree is the standard
library's ElementTree with comments kept (our own exports carry metadata in them) and
a line number recorded for every element, so problems can name the line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET

import defusedxml.ElementTree as DET  # type: ignore[import-untyped]
from defusedxml.common import DefusedXmlException  # type: ignore[import-untyped]

__all__ = ["XmlDocument", "XmlError", "children", "local", "parse_xml", "text_of"]

MAX_XML_BYTES = 8 * 1024 * 1024
"""Larger files are refused: a question bank of 10,000 questions is far smaller."""


class XmlError(Exception):
    """The text is not well-formed or safe XML; ``line`` and ``column`` where known."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


@dataclass
class XmlDocument:
    """A parsed document: its root and the line on which each element starts."""

    root: ET.Element
    lines: dict[int, int] = field(default_factory=dict)

    def line(self, element: ET.Element) -> int | None:
        return self.lines.get(id(element))


class _LineBuilder(ET.TreeBuilder):
    def __init__(self, lines: dict[int, int]) -> None:
        super().__init__(insert_comments=True)
        self.lines = lines
        self.parser: Any = None

    def start(self, tag: Any, attrs: Any) -> ET.Element:
        element = super().start(tag, attrs)
        expat = getattr(self.parser, "parser", None)
        if expat is not None:
            self.lines[id(element)] = int(expat.CurrentLineNumber)
        return element


def parse_xml(text: str) -> XmlDocument:
    """The document, or :class:`XmlError` with a sentence a trainer can act on."""
    if len(text) > MAX_XML_BYTES:
        msg = f"The file is larger than {MAX_XML_BYTES // (1024 * 1024)} MiB."
        raise XmlError(msg)
    lines: dict[int, int] = {}
    builder = _LineBuilder(lines)
    parser = DET.DefusedXMLParser(target=builder, forbid_dtd=False, forbid_entities=True,
                                  forbid_external=True)
    builder.parser = parser
    try:
        parser.feed(text.removeprefix("\ufeff"))
        root = parser.close()
    except ET.ParseError as error:
        line, column = error.position
        reason = str(error).split(":")[0]
        msg = f"The XML is not well-formed ({reason})."
        raise XmlError(msg, line, column + 1) from None
    except DefusedXmlException as error:
        msg = (f"The XML declares entities or external references ({type(error).__name__}), "
               "which are refused for safety.")
        raise XmlError(msg) from None
    except (ValueError, RecursionError) as error:
        msg = f"The XML cannot be read ({type(error).__name__})."
        raise XmlError(msg) from None
    if not isinstance(root, ET.Element):
        msg = "The XML has no root element."
        raise XmlError(msg)
    return XmlDocument(root, lines)


def local(element: ET.Element) -> str:
    """The tag without its namespace ('' for comments and processing instructions)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def children(element: ET.Element, name: str) -> list[ET.Element]:
    """Direct children with this local name, in any namespace."""
    return [child for child in element if local(child) == name]


def text_of(element: ET.Element | None) -> str:
    """All text inside ``element`` (children's text included), or ''."""
    if element is None:
        return ""
    return "".join(element.itertext())
