"""Reading an uploaded scan in the worker: the job record the import page polls.

`document_job_create` keeps the upload and enqueues `document_job_task` once the transaction
commits; `document_job_run` (the task's one call) reads the file with OCR, writing its progress
as it goes (each write commits at once, so the page sees it), then keeps the text or the reason
it could not be read and drops the upload's bytes. A job is only ever run once: a redelivered
task finds it finished and returns it.
"""

from __future__ import annotations

import logging
import time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directives import models

logger = logging.getLogger(__name__)

__all__ = ["document_job_create", "document_job_run"]


@transaction.atomic
def document_job_create(*, user, filename: str, data: bytes) -> models.DocumentJob:
    job = models.DocumentJob(user=user, filename=(filename or "tep")[:255], data=data)
    job.full_clean()
    job.save()
    from directives.tasks import document_job_task

    transaction.on_commit(lambda: document_job_task.delay(job.pk))
    return job


def _update(job_id: int, **fields) -> None:
    models.DocumentJob.objects.filter(pk=job_id).update(updated_at=timezone.now(), **fields)


def document_job_run(*, job_id: int) -> models.DocumentJob:
    from directives.documents import DocumentError, extract

    job = models.DocumentJob.objects.get(pk=job_id)
    if job.status in (models.DocumentJob.Status.DONE, models.DocumentJob.Status.FAILED):
        return job
    _update(job.pk, status=models.DocumentJob.Status.RUNNING, progress=_("Bắt đầu đọc tệp"))
    last = [0.0]

    def progress(message: str) -> None:
        now = time.monotonic()
        if now - last[0] >= 1.0:  # at most one write a second
            last[0] = now
            _update(job.pk, progress=message[:255])

    try:
        extracted = extract(job.filename, bytes(job.data), ocr=True, progress=progress)
    except DocumentError as error:
        _update(job.pk, status=models.DocumentJob.Status.FAILED, error=str(error), progress="", data=b"")
    except Exception:  # a tool's crash must end the job with a message, not leave it running
        logger.exception("document job %s failed", job.pk)
        _update(
            job.pk,
            status=models.DocumentJob.Status.FAILED,
            error=_("Không đọc được tệp do lỗi hệ thống; hãy thử lại hoặc tải lên tệp PDF có lớp chữ, tệp Word."),
            progress="",
            data=b"",
        )
    else:
        _update(
            job.pk,
            status=models.DocumentJob.Status.DONE,
            text=extracted.text,
            method=extracted.method,
            pages=extracted.pages,
            warnings=list(extracted.warnings),
            progress="",
            data=b"",
        )
    job.refresh_from_db()
    return job
