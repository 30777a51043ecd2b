"""Vietnamese first, English on request; the compiled catalogues are committed."""

from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db


def test_the_interface_is_vietnamese_even_for_an_english_browser(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()
    assert response.headers["Content-Language"] == "vi"


def test_the_language_switch_turns_it_english(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    page = client.get(reverse("login"))
    assert page.headers["Content-Language"] == "en"
    assert "Đăng nhập" not in page.content.decode()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_catalogue_is_compiled_and_committed(language):
    po = ROOT / "locale" / language / "LC_MESSAGES" / "django.po"
    mo = po.with_suffix(".mo")
    assert po.exists() and mo.exists()
    assert mo.stat().st_size > 0


def test_the_english_catalogue_has_no_untranslated_entry():
    text = (ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # the header first
    untranslated = [e for e in entries if 'msgstr ""' in e and e.rstrip().endswith('msgstr ""') and "#~" not in e]
    assert untranslated == []
