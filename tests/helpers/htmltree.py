"""The one HTML parser of the tests: page text → a small element tree (stdlib html.parser).

Every test that reads built HTML (numbers, downloads, citations, links and anchors, the navigation)
parses it here. Elements left open are closed by the end tag of an enclosing element (a <p> before
</div>), void elements never take children, character references are decoded in text and
attribute values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass(eq=False)
class Node:
    """One element: its tag, its attributes (a valueless attribute is "") and its children (elements and text)."""

    tag: str
    attrs: dict
    children: list = field(default_factory=list)
    parent: "Node | None" = None
    # The attributes as written, in order, a valueless one with the value None (for the link checker).
    raw_attrs: list = field(default_factory=list)

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    def text(self) -> str:
        """All text inside this element, concatenated (as textContent)."""
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        """This element and every element inside it, in document order."""
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def select(self, tag: str | None = None, cls: str | None = None, **attrs) -> list["Node"]:
        """Descendants (and self) with the tag, the class and the exact attribute values given."""
        return [n for n in self.iter()
                if (tag is None or n.tag == tag) and (cls is None or cls in n.classes)
                and all(n.attrs.get(k) == v for k, v in attrs.items())]

    def one(self, tag: str | None = None, cls: str | None = None, **attrs) -> "Node":
        """The single element select() finds; AssertionError unless there is exactly one."""
        found = self.select(tag, cls, **attrs)
        assert len(found) == 1, f"expected one <{tag} class={cls} {attrs}>, found {len(found)}"
        return found[0]

    def ancestor(self, tag: str, cls: str | None = None) -> "Node | None":
        """The nearest enclosing element with the tag (and class), or None."""
        n = self.parent
        while n is not None and not (n.tag == tag and (cls is None or cls in n.classes)):
            n = n.parent
        return n


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def _node(self, tag, attrs) -> Node:
        node = Node(tag, {k: (v if v is not None else "") for k, v in attrs}, [], self.current, list(attrs))
        self.current.children.append(node)
        return node

    def handle_starttag(self, tag, attrs):
        node = self._node(tag, attrs)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self._node(tag, attrs)

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        node = self.current
        while node is not self.root and node.tag != tag:  # close elements left open (e.g. <p> before </div>)
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse_html(text: str) -> Node:
    """HTML text → its element tree (the root is a '#document' node)."""
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root
