"""The outline of a directive: sections, numbered tasks and their sub-items, with their own text.

Rules a clerk would apply:
- roman sections (I., II.) group tasks; a section that assesses results ("ĐÁNH GIÁ KẾT QUẢ"), states
  purposes ("MỤC ĐÍCH, YÊU CẦU") or scope holds no tasks;
- every numbered item, lettered item, (1)/(i) sub-item, "-"/"+" bullet and ordinal ("Thứ hai, …") in
  the other sections is a task; a heading that groups numbered actions is a task too;
- a paragraph without a marker continues the item above it; labelled lines ("Cơ quan chủ trì: …",
  "Thời gian thực hiện: …") describe that item and are not tasks, nor is an item under a heading that
  says only when ("- Hoàn thành trước 30/9/2025."): it is the heading's deadline;
- articles of a decision ("Điều 1.") are not tasks; the "Nơi nhận"/"Kính gửi" lists and the signature
  block end the item above them.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field

from .deadlines import Period, find_period, is_deadline_only
from .numbering import Marker, parse_marker, split_inline_items
from .text import BLOCK_OPENERS, VN_UPPER, is_upper_line

_SKIP_SECTION = re.compile(
    r"đánh giá|kết quả|tình hình|mục đích|yêu cầu|phạm vi|đối tượng|căn cứ|sự cần thiết|quan điểm|bối cảnh", re.I
)
_TASK_SECTION = re.compile(r"nhiệm vụ|giải pháp|phương hướng|tổ chức thực hiện|triển khai|kiến nghị|đề xuất", re.I)
ATTRIBUTE = re.compile(
    r"^(?:(?:Cơ quan|Đơn vị)\s+(?:chủ trì|thực hiện|phối hợp)[^:]{0,25}:|(?:Thời gian|Thời hạn)(?:\s+[^\s:]+){0,3}\s*:"
    r"|Nội dung\s*:|Sản phẩm(?:\s+[^\s:]+){0,2}\s*:|Chủ trì\s*:|Phối hợp\s*:|Lãnh đạo phụ trách\s*:)",
    re.IGNORECASE,
)
_RECIPIENTS = re.compile(r"^(?:Nơi nhận|Kính gửi)\b|\bđiện\s*:$")
# The closing paragraph of a letter ("… nghiêm túc triển khai thực hiện./.") is no part of the last item.
_CLOSING = re.compile(r"\./\.$")
_ASSESSMENT_ITEM = re.compile(r"^(?:Tình hình|Kết quả|Đánh giá|Mục đích|Yêu cầu|Bối cảnh|Quan điểm)\b")
_NAME_LINE = re.compile(r"^(?:[" + VN_UPPER + r"][a-zà-ỹđ]+)(?:\s+[" + VN_UPPER + r"][a-zà-ỹđ]+){1,4}$")
_KIND_LINE = re.compile(
    r"^(?:THÔNG BÁO|CHỈ THỊ|KẾ HOẠCH|CÔNG ĐIỆN|KẾT LUẬN|QUYẾT ĐỊNH|NGHỊ QUYẾT|CÔNG VĂN|BÁO CÁO|HƯỚNG DẪN|TỜ TRÌNH"
    r"|QUY ĐỊNH|CHƯƠNG TRÌNH|ĐỀ ÁN|QUY CHẾ)\b"
)


@dataclass
class Node:
    marker: Marker
    text: str
    parent: Node | None = None
    path: str = ""
    attribute: bool = False
    section: Node | None = None
    skip: bool = False
    extra: list[str] = field(default_factory=list)
    period: Period | None = None  # the section/intro period in force where the item starts
    children: list[Node] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.marker.kind

    @property
    def full_text(self) -> str:
        return "\n".join([self.text, *self.extra]).strip()

    @property
    def is_task(self) -> bool:
        return self.kind not in ("roman", "article") and not self.attribute and not self.skip

    def task_parent(self) -> Node | None:
        p = self.parent
        while p is not None and (p.attribute or p.kind in ("roman", "article")):
            p = p.parent
        return p

    def target(self) -> Node:
        """The item an attribute line describes."""
        n = self
        while n.attribute and n.parent is not None:
            n = n.parent
        return n


@dataclass
class Outline:
    nodes: list[Node]
    intro_periods: list[Period]

    @property
    def tasks(self) -> list[Node]:
        return [n for n in self.nodes if n.is_task]


def _skip_heading(text: str) -> bool:
    return bool(_SKIP_SECTION.search(text)) and not _TASK_SECTION.search(text)


def build_outline(paragraphs: list[str]) -> Outline:
    top_counts: dict[str, int] = {}  # counters of bullets that hang under no item
    ordinal_count = sum(1 for p in paragraphs if parse_marker(p)[0] and parse_marker(p)[0].kind == "ordinal")
    use_ordinals = ordinal_count >= 2
    nodes: list[Node] = []
    stack: list[Node] = []
    cur: Node | None = None
    section: Node | None = None
    period: Period | None = None
    intro_periods: list[Period] = []
    recipients = False
    expected = 1
    queue = deque(paragraphs)
    while queue:
        para = queue.popleft()
        if _RECIPIENTS.search(para):
            recipients, cur = True, None
            continue
        if BLOCK_OPENERS.match(para):
            cur = None
            continue
        marker, rest = parse_marker(para, ordinals=use_ordinals)
        if recipients:
            if (marker and marker.kind in ("dash", "plus")) or para[:1].islower() or len(para) < 60 and not marker:
                continue
            recipients = False
        if not marker and _KIND_LINE.match(para) and is_upper_line(para):
            stack, cur, section, period = [], None, None, None  # a new document part (an attached plan)
            continue
        if not marker and (is_upper_line(para) or _NAME_LINE.match(para)):
            cur = None
            continue
        # "(1) … (2) …" in one paragraph
        if (marker is None and cur is not None) or (marker is not None and marker.kind == "paren"):
            pieces, expected_after = split_inline_items(para, expected)
            if len(pieces) > 1:
                queue.extendleft(reversed(pieces[1:]))
                para = pieces[0]
                marker, rest = parse_marker(para, ordinals=use_ordinals)
            expected = expected_after if marker is None or marker.kind == "paren" else expected
        if marker is None and _CLOSING.search(para):
            cur = None
            continue
        if marker is None:
            if cur is None or cur.kind == "roman":
                found = find_period(para)
                if found and found[1] == 0:
                    period = found[0]
                    intro_periods.append(period)
            if cur is not None:
                if ATTRIBUTE.match(para):
                    cur.target().extra.append(para)
                else:
                    cur.extra.append(para)
            continue
        node = Node(marker=marker, text=rest if marker.kind != "ordinal" else para.lstrip("-–•+ "))
        if marker.kind == "roman":
            stack = [node]
            section = node
            node.skip = _skip_heading(rest)
            found = find_period(rest)
            period = found[0] if found else None
            node.path = marker.label
            nodes.append(node)
            cur = node
            expected = 1
            continue
        if marker.kind == "article":
            stack = [node]
            node.path = f"Điều {marker.label}"
            nodes.append(node)
            cur = node
            continue
        if marker.kind == "arabic":
            while stack and not (
                stack[-1].kind == "roman" or (stack[-1].kind == "arabic" and stack[-1].marker.depth < marker.depth)
            ):
                stack.pop()
            expected = 1
        else:
            keys = [n.marker.key for n in stack]
            if marker.key in keys:
                while stack and stack[-1].marker.key != marker.key:
                    stack.pop()
                stack.pop()
            if marker.kind in ("letter", "rparen"):
                expected = 1
        node.parent = stack[-1] if stack else None
        node.section = section
        node.skip = bool(section and section.skip) or bool(node.parent is not None and node.parent.skip)
        if marker.kind == "arabic" and section is None and _ASSESSMENT_ITEM.match(rest):
            node.skip = _skip_heading(rest[:60])  # "1. Tình hình dịch bệnh" in a notice without sections
        # "- Hoàn thành trước 30/9/2025." under "5. Sở Xây dựng: …" says when the heading's work is due:
        # it describes the heading, like a labelled line, and is no task of its own
        node.attribute = bool(ATTRIBUTE.match(rest)) or (
            node.parent is not None and node.parent.kind not in ("roman", "article") and is_deadline_only(rest)
        )
        node.period = period
        if node.parent is not None:
            node.parent.children.append(node)
        node.path = _path(node, section, top_counts)
        stack.append(node)
        if node.attribute:
            node.target().extra.append(rest)
        nodes.append(node)
        cur = node
    return Outline(nodes=nodes, intro_periods=intro_periods)


def _path(node: Node, section: Node | None, top_counts: dict[str, int]) -> str:
    m = node.marker
    parent = node.task_parent()
    if m.kind == "arabic":
        return f"{section.path}.{m.label}" if section is not None else m.label
    if m.kind in ("dash", "plus", "ordinal"):
        siblings = [
            c
            for c in (node.parent.children if node.parent is not None else [])
            if c.marker.kind == m.kind and not c.attribute and c is not node
        ]
        if node.parent is None:
            top_counts[m.kind] = top_counts.get(m.kind, 0) + 1
            label = m.label if m.kind == "ordinal" else str(top_counts[m.kind])
        else:
            label = str(len(siblings) + 1)
        if m.kind == "ordinal" and node.parent is None:
            label = m.label
    else:
        label = m.label
    if parent is not None:
        return f"{parent.path}.{label}"
    if section is not None:
        return f"{section.path}.{label}"
    return label
