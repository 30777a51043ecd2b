"""Every API error as JSON: `{"detail": "…", "code": "…", "errors": {field: [messages]}}`, in
Vietnamese.

DRF's own Vietnamese catalogue is nearly empty, so its messages are replaced here by code
(`required`, `invalid`, `max_length`…); the services' and forms' messages are Vietnamese
already (Django's `ValidationError` from a service becomes a 400 with its field messages).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler


def field_messages() -> dict[str, str]:
    return {
        "required": _("Trường này là bắt buộc."),
        "null": _("Trường này không được để trống."),
        "blank": _("Trường này không được để trống."),
        "invalid": _("Giá trị không hợp lệ."),
        "invalid_choice": _("Giá trị không nằm trong các lựa chọn cho phép."),
        "not_a_list": _("Cần một danh sách."),
        "empty": _("Danh sách không được rỗng."),
        "max_length": _("Giá trị dài quá mức cho phép."),
        "min_length": _("Giá trị ngắn hơn mức tối thiểu."),
        "max_value": _("Giá trị lớn hơn mức cho phép."),
        "min_value": _("Giá trị nhỏ hơn mức cho phép."),
        "max_string_length": _("Số quá lớn."),
        "max_digits": _("Số có quá nhiều chữ số."),
        "max_decimal_places": _("Số có quá nhiều chữ số thập phân."),
        "max_whole_digits": _("Phần nguyên có quá nhiều chữ số."),
        "datetime": _("Cần một ngày, không phải ngày giờ."),
        "date": _("Cần một ngày, không phải ngày giờ."),
        "no_name": _("Tệp không có tên."),
        "empty_file": _("Tệp rỗng."),
        "null_characters_not_allowed": _("Không được chứa ký tự NUL."),
        "surrogate_characters_not_allowed": _("Không được chứa ký tự không hợp lệ."),
        "does_not_exist": _("Không tìm thấy đối tượng."),
        "incorrect_type": _("Kiểu dữ liệu không đúng."),
        "not_a_dict": _("Cần một đối tượng JSON."),
        "parse_error": _("Dữ liệu gửi lên không đọc được."),
    }


def _translate(detail, messages: dict[str, str]):
    if isinstance(detail, dict):
        return {str(key): _translate(value, messages) for key, value in detail.items()}
    if isinstance(detail, list):
        out = []
        for item in detail:
            value = _translate(item, messages)
            out.extend(value if isinstance(value, list) and not isinstance(item, list | dict) else [value])
        return out
    text = str(detail)
    if not text.isascii():  # ours (services, forms, filters): Vietnamese already
        return text
    code = getattr(detail, "code", None)
    if code == "date" or code == "invalid" and "date" in text.lower():
        return _("Ngày không hợp lệ; dùng dạng YYYY-MM-DD.")
    return messages.get(code, text)


def _flatten(value) -> list[str]:
    """Field errors as a flat list of strings (a list field's errors come keyed by index)."""
    if isinstance(value, dict):
        return [f"{key}: {m}" if str(key).isdigit() else m for key, v in value.items() for m in _flatten(v)]
    if isinstance(value, list):
        return [m for v in value for m in _flatten(v)]
    return [str(value)]


def _as_drf(exc):
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError({k: [str(m) for m in v] for k, v in exc}, code="invalid")
        return exceptions.ValidationError({"non_field_errors": [str(m) for m in exc.messages]}, code="invalid")
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    return exc


def exception_handler(exc, context):
    exc = _as_drf(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    body: dict = {"code": getattr(exc, "default_code", "error")}
    if isinstance(exc, exceptions.ValidationError):
        body["detail"] = _("Dữ liệu không hợp lệ.")
        errors = _translate(exc.detail, field_messages())
        if not isinstance(errors, dict):
            errors = {"non_field_errors": errors}
        body["errors"] = {key: _flatten(value) for key, value in errors.items()}
    elif isinstance(exc, exceptions.NotAuthenticated):
        body["detail"] = _("Cần đăng nhập, hoặc gửi mã truy cập: Authorization: Bearer <mã>.")
    elif isinstance(exc, exceptions.AuthenticationFailed):
        body["detail"] = str(exc.detail)  # ours, in Vietnamese (authentication.py)
    elif isinstance(exc, exceptions.PermissionDenied):
        text = str(exc.detail)
        body["detail"] = (
            text
            if text != str(exceptions.PermissionDenied.default_detail)
            else _("Bạn không có quyền thực hiện thao tác này.")
        )
        if "CSRF" in text:
            body["detail"] = _("Thiếu hoặc sai mã CSRF (khi dùng phiên đăng nhập của trình duyệt).")
    elif isinstance(exc, exceptions.NotFound):
        body["detail"] = _("Không tìm thấy.")
        if "cursor" in str(exc.detail).lower():
            body["detail"] = _("Con trỏ phân trang (cursor) không hợp lệ.")
    elif isinstance(exc, exceptions.MethodNotAllowed):
        body["detail"] = _("Phương thức %(method)s không được hỗ trợ ở địa chỉ này.") % {
            "method": context["request"].method
        }
    elif isinstance(exc, exceptions.Throttled):
        body["detail"] = _("Quá nhiều yêu cầu; thử lại sau %(seconds)s giây.") % {"seconds": exc.wait and int(exc.wait)}
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        body["detail"] = _("Kiểu nội dung không được hỗ trợ; dùng application/json hoặc multipart/form-data.")
    elif isinstance(exc, exceptions.NotAcceptable):
        body["detail"] = _("Không trả về được định dạng được yêu cầu; dùng application/json.")
    elif isinstance(exc, exceptions.ParseError):
        body["detail"] = _("Dữ liệu gửi lên không đọc được.")
    else:
        body["detail"] = str(getattr(exc, "detail", "")) or _("Yêu cầu không hợp lệ.")
    if response.status_code == status.HTTP_500_INTERNAL_SERVER_ERROR:
        return response
    response.data = body
    return response
