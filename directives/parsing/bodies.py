"""Bodies named for a task: the lead (chủ trì) and the supporting bodies (phối hợp).

Forms: "X chủ trì, phối hợp với Y và Z", "Giao X …", "Đề nghị X …", "X tham mưu …", an item that
starts with a body ("Sở Tài chính: …", "a) Sở Xây dựng"), "Cơ quan chủ trì: …",
"Cơ quan phối hợp: …", lists separated by ";" or ",".
"""

from __future__ import annotations

import re

from .text import VN_UPPER, sentences

# Words a body's name starts with.
_HEADS = (
    r"Ủy ban|Uỷ ban|UBND|HĐND|Hội đồng|Sở|Bộ|Ban|Văn phòng|Thanh tra|Tỉnh ủy|Tỉnh uỷ|Thành ủy|Thành uỷ|Huyện ủy"
    r"|Huyện uỷ|Đảng ủy|Đảng uỷ|Đảng đoàn|Ban cán sự|Cơ quan|Các cơ quan|Cục|Chi cục|Tổng cục|Kho bạc|Công an"
    r"|Bộ Chỉ huy|Bộ đội|Quân khu|Đài|Báo|Thông tấn|Trung tâm|Viện|Trường|Tòa án|Toà án|Ngân hàng|Tập đoàn"
    r"|Tổng công ty|Công ty|Liên đoàn|Mặt trận|Đoàn|Hội|Thuế|Chủ tịch|Phó Chủ tịch|Giám đốc|Thủ trưởng"
    r"|Bộ trưởng|Trưởng|Người đứng đầu|Đối tượng|Các sở|Các Sở|Các bộ|Các Bộ|Các ban|Các đơn vị"
    r"|Các địa phương|Các cấp ủy|Các tỉnh|Các huyện|Các xã|Các thành viên|Thường trực|Ban Thường vụ|Chính phủ"
    r"|Thủ tướng|Quốc hội|Kiểm toán|Bảo hiểm|Ủy ban Kiểm tra|Ban Chỉ đạo|Tổ công tác|Hiệp hội|Đại học|Học viện"
    r"|Vụ(?! việc| án)|Bưu điện|Chủ đầu tư|Các chủ đầu tư"
)
HEAD_RE = re.compile(r"(?:" + _HEADS + r")(?=[\s,;:.)(-]|$)")
_HEAD_AT_START = re.compile(
    r"^(?!Ban hành|Bộ máy|Báo cáo|Trường hợp|Hội nghị|Hội thảo|Đoàn kết|Trưởng thành|Cơ quan chủ trì\s*:)"
    r"(?:(?:[Cc]ác|[Nn]hững)\s+(?:sở|bộ|ban|cơ quan|đơn vị|địa phương|cấp ủy|thành viên|tỉnh|huyện|xã|chủ đầu tư)"
    r"|(?:[Cc]ác\s+|[Nn]hững\s+)?(?:" + _HEADS + r"))(?=[\s,;:.)(-]|$)"
)
# Lower-case words that end a body's name (the action or the rest of the clause begins).
_STOP = re.compile(
    r"\s(?:chủ trì|phối hợp|có trách nhiệm|chịu trách nhiệm|khẩn trương|tiếp tục|căn cứ|theo dõi|theo|tham mưu"
    r"|chỉ đạo|lãnh đạo|hướng dẫn|nghiên cứu|rà soát|hoàn thiện|hoàn thành|tổng hợp|báo cáo|xây dựng|triển khai"
    r"|thực hiện|tổ chức|đôn đốc|kiểm tra|trình|ban hành|giúp|tiến hành|chủ động|cần|phải|được|là|để|trên cơ sở"
    r"|đề xuất|xem xét|bố trí|cử|thành lập|làm rõ|gửi|cung cấp|quán triệt|tăng cường|đẩy mạnh|tập trung|sớm"
    r"|nắm|đánh giá|thống kê|kịp thời|quyết liệt|nghiêm túc|trong|với|về|đối với|tại|lập|bảo đảm|đảm bảo"
    r"|ưu tiên|cân đối|đề nghị|yêu cầu|giao|trực tiếp|xử lý|quản lý nhà nước|phụ trách|làm"
    r"|sẽ|đã|đang|nên|vẫn|cũng|luôn|hỗ trợ|khắc phục|huy động|vận động|giám sát|kiểm soát|tuyên truyền"
    r"|phổ biến|cập nhật|chuẩn bị)"
    r"(?=[\s,.;:]|$)"
)
# Words of _STOP that end a name without starting an action.
_NOT_A_VERB = {"trong", "với", "về", "đối với", "tại", "để", "theo", "trên cơ sở", "là", "sớm", "kịp thời"}
_CUT = re.compile(r"\s*(?:[:(]|\s-\s|\s–\s|\.(?:\s|$)).*$")
_LEAD_LABEL = re.compile(
    r"(?:^|[\s.;])(?:Cơ quan|Đơn vị)\s+(?:chủ trì|thực hiện|thường trực)(?:\s+thực hiện)?[ \t]*:[ \t]*(?P<x>[^\n]+)",
    re.IGNORECASE,
)
_SUPPORT_LABEL = re.compile(r"(?:^|[\s.;])(?:Cơ quan|Đơn vị)\s+phối hợp[ \t]*:[ \t]*(?P<x>[^\n]+)", re.IGNORECASE)
_ASSIGN = re.compile(r"(?:^|[\s,;(])(?:Giao|giao|Đề nghị|đề nghị|Yêu cầu|yêu cầu|Ủy quyền)\s+(?:cho\s+)?(?=\S)")
_SUPPORT = re.compile(r"\b[Pp]hối hợp(?:\s+(?:chặt chẽ\s+)?(?:với|cùng))?\s+(?=\S)")
_SPLIT_LIST = re.compile(
    r"\s*;\s*|,\s+(?=(?:" + _HEADS + r")(?=[\s,;:.)(-]|$))|\s+và\s+(?=(?:các\s+)?(?:" + _HEADS + r")(?=[\s,;]|$))"
    r"|\s+và\s+(?=các\s+(?:cơ quan|đơn vị|sở|bộ|ban|địa phương)\b)"
)
# "… thông báo để … biết, thực hiện./.", "… nghiêm túc triển khai thực hiện./.": the letter's closing formula.
_CLOSING = re.compile(r"(?:thông báo để|biết,? thực hiện|nghiêm túc (?:triển khai )?thực hiện)[^.;]*\./\.$")
_UPPER_START = re.compile(r"^[" + VN_UPPER + r"]")
_DROP_PREFIX = re.compile(r"^(?:các\s+đồng\s+chí|đồng\s+chí|đề\s+nghị|giao|yêu\s+cầu|trách\s+nhiệm\s+của)\s+", re.I)


def _clean_name(name: str) -> str:
    name = _DROP_PREFIX.sub("", name.strip(" ,;.:-–"))
    name = _DROP_PREFIX.sub("", name)
    name = _CUT.sub("", name)
    m = _STOP.search(name)
    if m:
        name = name[: m.start()]
    name = name.strip(" ,;.:-–")
    if name and name[0].islower():
        name = name[0].upper() + name[1:]
    return name


def split_bodies(phrase: str) -> list[str]:
    """'Sở Tài chính, Sở Xây dựng và UBND cấp xã' -> three bodies ('Các Sở, ban, ngành' stays one)."""
    phrase = _DROP_PREFIX.sub("", phrase.strip())
    phrase = _CUT.sub("", phrase) if not phrase.startswith("(") else phrase
    out: list[str] = []
    for part in _SPLIT_LIST.split(phrase):
        name = _clean_name(part)
        if name and len(name) >= 3 and _HEAD_AT_START.match(name) and name not in out:
            out.append(name)
    return out


def _subject(sentence: str) -> str | None:
    """The body a sentence starts with ("Bộ Tài chính khẩn trương …", "Giao Sở Tài chính chủ trì …")."""
    s = _DROP_PREFIX.sub("", sentence.strip())
    s = _DROP_PREFIX.sub("", s)
    if _HEAD_AT_START.match(s):
        return s
    # "Trên cơ sở …, Bộ Tài chính khẩn trương …": a body after the opening clause, before its verb.
    # Not when the body is followed by a preposition or a time ("…báo cáo Bộ Chính trị, Ban Bí thư
    # trong Quý IV"): that is a list of addressees, not the subject of the sentence.
    for m in re.finditer(r",\s+", s):
        rest = s[m.end() :]
        stop = _STOP.search(" " + rest[:120]) if _HEAD_AT_START.match(rest) else None
        if stop and stop.group().strip() not in _NOT_A_VERB:
            return rest
    return None


def _until_verb(phrase: str) -> str:
    stop = _STOP.search(phrase)
    return phrase[: stop.start()] if stop else phrase


def extract_bodies(text: str, *, heading: bool = False) -> tuple[list[str], list[str]]:
    """Lead and supporting bodies named in a task's text."""
    lead: list[str] = []
    support: list[str] = []

    def add(dst: list[str], names: list[str]) -> None:
        for n in names:
            if n not in dst:
                dst.append(n)

    labelled = False
    for m in _LEAD_LABEL.finditer(text):
        add(lead, split_bodies(m.group("x")))
        labelled = True
    for m in _SUPPORT_LABEL.finditer(text):
        add(support, split_bodies(m.group("x")))
        labelled = True
    if labelled and lead:
        return lead, [s for s in support if s not in lead]
    for sent in sentences(text):
        if _CLOSING.search(sent):
            continue
        if re.match(r"^(?:Cơ quan|Đơn vị)\s+(?:chủ trì|thực hiện|phối hợp)\s*:", sent, re.I):
            continue
        subj = _subject(sent)
        if subj:
            stop = _STOP.search(subj)
            add(lead, split_bodies(subj[: stop.start()] if stop else subj))
        for m in _ASSIGN.finditer(sent):
            rest = _until_verb(sent[m.end() :])
            if _HEAD_AT_START.match(rest):
                add(lead, split_bodies(rest))
        for m in _SUPPORT.finditer(sent):
            rest = _until_verb(sent[m.end() :])
            if _HEAD_AT_START.match(rest) or re.match(r"(?:cơ quan|đơn vị)\b", rest):
                add(support, split_bodies(rest[:1].upper() + rest[1:]))
    if heading and not lead:
        whole = re.sub(r"^(?:Trách nhiệm|Nhiệm vụ) của\s+", "", text.strip(), flags=re.I)
        whole = whole[:1].upper() + whole[1:]
        if _HEAD_AT_START.match(whole):
            add(lead, split_bodies(whole))
    return lead, [s for s in support if s not in lead]
