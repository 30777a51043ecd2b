"""The one email helper: render `templates/emails/<name>-subject.txt`, `-body.txt` and
`-body.html`, and send a batch over one connection of the configured mailer
(Django 6.1 `MAILERS`, `django.core.mail.mailers`).

`send_batch` never raises for a single message: it returns, per message, `None` (sent) or
the exception, so that the caller decides what is transient and what is permanent. After a
dropped connection it reconnects once for the messages that follow.
"""

from __future__ import annotations

import contextlib
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.template.loader import render_to_string
from django.utils import translation


def render(name: str, context: dict, *, to: list[str], language: str | None = None) -> EmailMultiAlternatives:
    """Build the message `name` for `to` from its three templates."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
        text = render_to_string(f"emails/{name}-body.txt", context)
        html = render_to_string(f"emails/{name}-body.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=to)
    message.attach_alternative(html, "text/html")
    return message


def _reconnect(conn) -> None:
    with contextlib.suppress(Exception):  # the connection is already gone
        conn.close()
    conn.open()


def send_batch(messages: Iterable[EmailMultiAlternatives], *, mailer: str = "default") -> list[Exception | None]:
    """Send `messages` over one connection; one outcome per message, in order."""
    messages = list(messages)
    outcomes: list[Exception | None] = []
    if not messages:
        return outcomes
    conn = mailers[mailer]
    try:
        conn.open()
    except Exception as exc:  # noqa: BLE001 - server down: every message failed the same way
        return [exc] * len(messages)
    try:
        broken = False
        for message in messages:
            if broken:
                try:
                    _reconnect(conn)
                    broken = False
                except Exception as exc:  # noqa: BLE001
                    outcomes.append(exc)
                    continue
            try:
                conn.send_messages([message])
                outcomes.append(None)
            except smtplib.SMTPServerDisconnected as exc:
                outcomes.append(exc)
                broken = True
            except (smtplib.SMTPException, OSError) as exc:
                outcomes.append(exc)
                # After a refused recipient or data error the SMTP session stays usable,
                # but reset it so that the next message starts clean.
                try:
                    if getattr(conn, "connection", None) is not None:
                        conn.connection.rset()
                except Exception:  # noqa: BLE001
                    broken = True
    finally:
        with contextlib.suppress(Exception):
            conn.close()
    return outcomes
