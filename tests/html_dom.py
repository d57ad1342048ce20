"""A small DOM read from HTML with the standard library's parser, to check pages by meaning:
elements, their attributes and their text."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        """The text inside, whitespace collapsed."""
        parts: list[str] = []

        def walk(node: Node) -> None:
            for c in node.children:
                if isinstance(c, str):
                    parts.append(c)
                else:
                    walk(c)

        walk(self)
        return " ".join("".join(parts).split())

    def all(self, tag: str, **attrs: str | bool) -> list[Node]:
        """Every element below with this tag (``*``: any) and these attributes (``class_``
        matches one of the classes; True: present)."""
        found: list[Node] = []
        for c in self.children:
            if isinstance(c, Node):
                if (tag in ("*", c.tag)) and all(c._has(k, v) for k, v in attrs.items()):
                    found.append(c)
                found.extend(c.all(tag, **attrs))
        return found

    def one(self, tag: str, **attrs: str | bool) -> Node:
        found = self.all(tag, **attrs)
        assert len(found) == 1, f"{len(found)} <{tag} {attrs}>"
        return found[0]

    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def _has(self, key: str, value: str | bool) -> bool:
        key = key.rstrip("_").replace("_", "-")
        if value is True:
            return key in self.attrs
        if key == "class":
            return value in self.classes()
        return self.attrs.get(key) == value


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v if v is not None else "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(text: str) -> Node:
    builder = _Builder()
    builder.feed(text)
    builder.close()
    return builder.root


def dom(response, status: int = 200) -> Node:
    """The page of a test client's response, after checking its status and type."""
    assert response.status_code == status, response.get_data(as_text=True)[:3000]
    assert response.mimetype == "text/html"
    return parse_html(response.get_data(as_text=True))


def table_rows(table: Node) -> list[list[Node]]:
    """The cells (th and td, in order) of each row of the table's bodies."""
    rows = []
    for body in table.all("tbody"):
        for tr in body.all("tr"):
            rows.append([c for c in tr.children if isinstance(c, Node) and c.tag in ("th", "td")])
    return rows


def chart_name(svg: Node) -> tuple[str, str]:
    """The title and the description an SVG chart is labelled by (``aria-labelledby``)."""
    assert svg.attrs.get("role") == "img"
    title_id, desc_id = svg.attrs["aria-labelledby"].split()
    return svg.one("title", id=title_id).text(), svg.one("desc", id=desc_id).text()
