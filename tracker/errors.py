"""Error pages in the product's language and style (400, 403, 404, 500), each with a way back.

Django calls these (`handler400`… in `tracker.urls`) when DEBUG is off. The 500 page must
not fail in turn: when rendering with the site's template is impossible (the database is
down, a template breaks), a plain page in Vietnamese and English is sent.
"""

from __future__ import annotations

import logging

from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

FALLBACK_500 = """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Lỗi máy chủ</title></head>
<body><main><h1>Lỗi máy chủ (500)</h1>
<p>Hệ thống gặp lỗi khi xử lý yêu cầu. Dữ liệu đã lưu không bị mất; vui lòng thử lại sau ít phút.</p>
<p lang="en">Server error: nothing stored was lost; please try again in a few minutes.</p>
<p><a href="/">Về trang chủ / Home</a></p></main></body></html>"""


def _page(request, status: int, title: str, explanation: str, detail: str = "") -> HttpResponse:
    context = {"status": status, "title": title, "explanation": explanation, "detail": detail}
    return render(request, "errors/error.html", context, status=status)


def bad_request(request, exception=None):
    return _page(
        request,
        400,
        _("Yêu cầu không hợp lệ"),
        _("Trình duyệt đã gửi một yêu cầu mà hệ thống không hiểu được. Vui lòng quay lại và thử lại."),
    )


def permission_denied(request, exception=None):
    # A message meant for the user (PermissionDenied("…")) is shown; Django's own are not.
    detail = str(exception) if exception is not None and str(exception) and str(exception) != "None" else ""
    return _page(
        request,
        403,
        _("Không có quyền truy cập"),
        _("Tài khoản của bạn không được phép thực hiện việc này. Nếu cần, hãy liên hệ quản lý đơn vị."),
        detail,
    )


def page_not_found(request, exception=None):
    return _page(
        request,
        404,
        _("Không tìm thấy trang"),
        _("Trang hoặc nhiệm vụ này không tồn tại, đã bị xóa, hoặc không thuộc phạm vi đơn vị của bạn."),
    )


def server_error(request):
    try:
        return _page(
            request,
            500,
            _("Lỗi máy chủ"),
            _("Hệ thống gặp lỗi khi xử lý yêu cầu. Dữ liệu đã lưu không bị mất; vui lòng thử lại sau ít phút."),
        )
    except Exception:  # the error page itself must not fail
        logger.exception("The 500 page could not be rendered")
        return HttpResponseServerError(FALLBACK_500)


def csrf_failure(request, reason=""):
    """The form was too old (the session ended, or the page stayed open overnight)."""
    return _page(
        request,
        403,
        _("Phiên làm việc đã hết hạn"),
        _("Biểu mẫu đã quá cũ hoặc phiên đăng nhập đã kết thúc. Vui lòng tải lại trang và gửi lại."),
        _("Chi tiết kỹ thuật: %(reason)s") % {"reason": f"CSRF — {reason}" if reason else "CSRF"},
    )


class NoTracebackForClientErrors(logging.Filter):
    """A 403 or a 404 is a normal event: one log line, no traceback (Django attaches the
    exception to 4xx records of `django.request` and `django.security`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if (status is not None and status < 500) or record.name.startswith("django.security"):
            record.exc_info = None
            record.exc_text = None
        return True
