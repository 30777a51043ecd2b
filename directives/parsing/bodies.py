"""Bodies named for a task: the lead (chủ trì) and the supporting bodies (phối hợp).

Forms: "X chủ trì, phối hợp với Y và Z", "Giao X …", "Đề nghị X …", "X tham mưu …", an item that
starts with a body ("Sở Tài chính: …", "a) Sở Xây dựng"), "Cơ quan chủ trì: …",
"Cơ quan phối hợp: …", lists separated by ";" or ",".
"""

from __future__ import annotations

import re

from .gazetteer import proper_case
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
    r"|Vụ(?! việc| án)|Bưu điện|Chủ đầu tư|Các chủ đầu tư|Bí thư|Thống đốc|Tổng Giám đốc|Liên minh|Doanh nghiệp"
    r"|Các doanh nghiệp|Bệnh viện|Chi nhánh|Cảnh sát|Phòng(?!,| chống| ngừa| cháy| thủ| bệnh| dịch| tránh| họp| khám)"
    r"|Tỉnh đoàn|Thành đoàn|Cổng Thông tin|Nhà xuất bản|Các tập đoàn|Các tổng công ty|Các cơ quan báo chí"
    r"|(?:Thành phố|Tỉnh|Huyện|Quận|Thị xã|Xã|Phường|Đặc khu)(?=\s+[" + VN_UPPER + r"])"
)
# A leader's title before the body he heads: "Bộ trưởng Bộ Công an" is Bộ Công an.
_LEADER = re.compile(
    r"^(?:Bộ trưởng|Thủ trưởng|Thống đốc|Tổng Giám đốc|Giám đốc|Tổng Kiểm toán(?: Nhà nước)?|Viện trưởng|Chánh án"
    r"|Chánh Thanh tra|Trưởng ban|Chánh Văn phòng|Tổng Thanh tra|Tổng cục trưởng|Cục trưởng)\s+"
    r"(?=(?:Bộ|Sở|Ngân hàng|Ban|Văn phòng|Kiểm toán|Thanh tra|Tập đoàn|Tổng công ty|Đài|Thông tấn|Viện|Tòa án|Cơ quan"
    r"|Cục|Tổng cục|Công an|Bảo hiểm|Kho bạc|các Bộ|các bộ|các cơ quan)\b)"
)
# "các tập đoàn, tổng công ty: Điện lực Việt Nam, Bưu chính - Viễn thông Việt Nam": one body per name
_GROUP = re.compile(
    r"^(?:[Cc]ác|[Nn]hững)\s+(?P<kind>tập đoàn|tổng công ty|tỉnh|thành phố|huyện|xã|phường|sở|bộ|trường)"
    r"(?:\s*,\s*(?:tập đoàn|tổng công ty|thành phố|tỉnh)(?:\s+[a-zà-ỹđ]+)?)*\s*:?\s+"
    r"(?P<list>[" + VN_UPPER + r"].*)$"
)
# What a body "does" that assigns it nothing ("Bộ Chính trị, Ban Bí thư cơ bản nhất trí …").
_NOT_ASSIGNED = {"nhất trí", "đồng ý", "ghi nhận", "biểu dương", "đánh giá cao", "cơ bản", "trân trọng", "đã", "đang"}
HEAD_RE = re.compile(r"(?:" + _HEADS + r")(?=[\s,;:.)(-]|$)")
_HEAD_AT_START = re.compile(
    r"^(?!Ban hành|Bộ máy|Báo cáo|Trường hợp|Hội nghị|Hội thảo|Đoàn kết|Trưởng thành|Cơ quan chủ trì\s*:)"
    r"(?:(?:[Cc]ác|[Nn]hững)\s+(?:sở|bộ|ban|cơ quan|đơn vị|địa phương|cấp ủy|thành viên|tỉnh|huyện|xã|chủ đầu tư"
    r"|tổ chức chính trị|tổ chức thành viên|doanh nghiệp|tập đoàn|tổng công ty|hội|đoàn thể|ngân hàng|trường)"
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
    r"|phổ biến|cập nhật|chuẩn bị|nhất trí|đồng ý|ghi nhận|biểu dương|đánh giá cao|cơ bản|trân trọng"
    r"|khôi phục|vận hành|tiếp nhận|duy trì|chịu|nâng cao|sử dụng|điều chỉnh|hoàn tất|tuân thủ|liên hệ)"
    r"(?=[\s,.;:]|$)"
)
# Words of _STOP that end a name without starting an action.
_NOT_A_VERB = {"trong", "với", "về", "đối với", "tại", "để", "theo", "trên cơ sở", "là", "sớm", "kịp thời"}
_CUT = re.compile(r"\s*(?:[:(]|\s[-–]\s(?=\d)|\.(?:\s|$)).*$")
_LEAD_LABEL = re.compile(
    r"(?:^|[\s.;])(?:Cơ quan|Đơn vị)\s+(?:chủ trì|thực hiện|thường trực)(?:\s+thực hiện)?[ \t]*:[ \t]*(?P<x>[^\n]+)",
    re.IGNORECASE,
)
_SUPPORT_LABEL = re.compile(r"(?:^|[\s.;])(?:Cơ quan|Đơn vị)\s+phối hợp[ \t]*:[ \t]*(?P<x>[^\n]+)", re.IGNORECASE)
_ASSIGN = re.compile(r"(?:^|[\s,;(])(?:Giao|giao|Đề nghị|đề nghị|Yêu cầu|yêu cầu|Ủy quyền)\s+(?:cho\s+)?(?=\S)")
_SUPPORT = re.compile(r"\b[Pp]hối hợp(?:\s+(?:chặt chẽ\s+)?(?:với|cùng))?\s+(?=\S)")
_SPLIT_LIST = re.compile(
    r"\s*;\s*|,\s+(?=(?:" + _HEADS + r")(?=[\s,;:.)(-]|$))|\s+và\s+(?=(?:các\s+)?(?:" + _HEADS + r")(?=[\s,;]|$))"
    r"|\s+và\s+(?=(?:các|những)\s+\S)"
    r"|,\s+(?=(?:các|những)\s+(?:cơ quan|đơn vị|sở|bộ|ban|địa phương|tổ chức|doanh nghiệp|tập đoàn|tổng công ty)\b)"
)
# "… thông báo để … biết, thực hiện./.", "… nghiêm túc triển khai thực hiện./.": the letter's closing formula.
_CLOSING = re.compile(r"(?:thông báo để|biết,? thực hiện|nghiêm túc (?:triển khai )?thực hiện)[^.;]*\./\.$")
_UPPER_START = re.compile(r"^[" + VN_UPPER + r"]")
_DROP_PREFIX = re.compile(r"^(?:các\s+đồng\s+chí|đồng\s+chí|đề\s+nghị|giao|yêu\s+cầu|trách\s+nhiệm\s+của)\s+", re.I)


def _clean_name(name: str) -> str:
    name = _DROP_PREFIX.sub("", name.strip(" ,;.:-–"))
    name = _DROP_PREFIX.sub("", name)
    name = _CUT.sub("", name)
    # "các tổ chức …": the word after "các" is the group's noun, not a verb
    skip = re.match(r"^(?:[Cc]ác|[Nn]hững)\s+\S+", name)
    m = _STOP.search(name, skip.end() if skip else 0)
    if m:
        name = name[: m.start()]
    name = re.sub(r"(?:\s+(?:và|hoặc)(?:\s+(?:các|những))?|\s+(?:các|những))+$", "", name.strip(" ,;.:-–"))
    name = name.strip(" ,;.:-–")
    if name and name[0].islower():
        name = name[0].upper() + name[1:]
    return name


def _group(phrase: str) -> list[str] | None:
    m = _GROUP.match(phrase.strip())
    if not m:
        return None
    kind = m.group("kind")
    items = re.split(r"\s*[,;]\s*|\s+và\s+", _until_verb(m.group("list")))
    out = []
    for item in items:
        item = _clean_name(item)
        if not item or not item[:1].isupper():
            break
        out.append(item if HEAD_RE.match(item) else f"{kind[:1].upper()}{kind[1:]} {item}")
    return out if len(out) >= 2 else None


def split_bodies(phrase: str) -> list[str]:
    """'Sở Tài chính, Sở Xây dựng và UBND cấp xã' -> three bodies ('Các Sở, ban, ngành' stays one)."""
    phrase = _LEADER.sub("", _DROP_PREFIX.sub("", phrase.strip()))
    group = _group(phrase)
    if group:
        return group
    phrase = _CUT.sub("", phrase) if not phrase.startswith("(") else phrase
    out: list[str] = []
    for part in _SPLIT_LIST.split(phrase):
        group = _group(part)
        if group:
            out.extend(g for g in group if g not in out)
            continue
        name = _LEADER.sub("", _clean_name(part))
        if name.isupper() or name[1:].islower():  # casing kept as printed; only a name in one case is restored
            name = proper_case(name)
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
        if _SUPPORT.search(s[: m.start() + 1]):
            return None  # "Chủ trì, phối hợp với A, B triển khai …": A and B support, they do not lead
        rest = s[m.end() :]
        stop = _STOP.search(" " + rest[:120]) if _HEAD_AT_START.match(rest) else None
        if stop and stop.group().strip() not in _NOT_A_VERB:
            return rest
    return None


def _first_stop(phrase: str) -> re.Match[str] | None:
    """The first word that ends a name; not the noun after "các"/"những" ("các tổ chức")."""
    for m in _STOP.finditer(phrase):
        if not re.search(r"(?:^|\s)(?:[Cc]ác|[Nn]hững)$", phrase[: m.start()]):
            return m
    return None


def _until_verb(phrase: str) -> str:
    stop = _first_stop(phrase)
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
            stop = _first_stop(subj)
            if not (stop and stop.group().strip() in _NOT_ASSIGNED):
                add(lead, split_bodies(subj[: stop.start()] if stop else subj))

        for m in _ASSIGN.finditer(sent):
            rest = _until_verb(sent[m.end() :])
            if _HEAD_AT_START.match(rest):
                add(lead, split_bodies(rest))
        for m in _SUPPORT.finditer(sent):
            rest = _until_verb(sent[m.end() :])
            if _HEAD_AT_START.match(rest) or re.match(
                r"(?:(?:các|những)\s+)?(?:cơ quan|đơn vị|sở|bộ|ban|ngành|địa phương|tổ chức)\b", rest
            ):
                add(support, split_bodies(rest[:1].upper() + rest[1:]))
    if lead:
        # "Bộ Công Thương chỉ đạo các tập đoàn: A, B …": the bodies it directs carry the task too
        for m in re.finditer(r"\bchỉ đạo\s+(?=(?:các|những)\s)", text):
            add(lead, _group(text[m.end() : m.end() + 400]) or [])
    if heading and not lead:
        whole = re.sub(r"^(?:Trách nhiệm|Nhiệm vụ) của\s+", "", text.strip(), flags=re.I)
        whole = whole[:1].upper() + whole[1:]
        if _HEAD_AT_START.match(whole):
            add(lead, split_bodies(whole))
    return lead, [s for s in support if s not in lead]
