"""The web import of a scan: OCR runs in the worker while the page shows its progress; a text
PDF or .doc goes straight to the review; a failure is shown on the job's page and nothing is lost."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from directives import models, services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures"
IMPORT = reverse("directives:import")
REVIEW = reverse("directives:import_review")


@pytest.fixture
def staff(client):
    user = UserFactory(username="clerk", is_staff=True)
    client.force_login(user)
    return user


def upload(client, name: str):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, (FIXTURES / name).read_bytes())})


@pytest.mark.parametrize("name", ["chi-thi.pdf", "chi-thi.doc", "chi-thi.docx"])
def test_a_text_pdf_a_doc_and_a_docx_go_straight_to_the_review(client, staff, name):
    response = upload(client, name)
    assert (response.status_code, response["Location"]) == (302, REVIEW)
    contract = client.session["directive_import"]["contract"]
    assert contract["document"]["number"] == "015/CT-UBND"
    assert not models.DocumentJob.objects.exists()


def test_a_scan_becomes_a_job_for_the_worker_and_its_page_polls_it(client, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            IMPORT, {"file": SimpleUploadedFile("scan.pdf", (FIXTURES / "chi-thi.scan.pdf").read_bytes())}
        )
    job = models.DocumentJob.objects.get()
    assert response["Location"] == reverse("directives:import_job", args=[job.pk])
    assert len(callbacks) == 1 and job.status == "queued" and job.user == staff and bytes(job.data)[:5] == b"%PDF-"
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'hx-trigger="every 2s"' in html and "đang chờ" in html.casefold()
    # only its uploader sees it
    other = UserFactory(username="other", is_staff=True)
    client.force_login(other)
    assert client.get(response["Location"]).status_code == 404


def test_a_scan_on_a_server_without_ocr_ends_the_job_with_the_reason(client, staff, path_without):
    path_without("tesseract")
    job = services.document_job_create(
        user=staff, filename="scan.pdf", data=(FIXTURES / "chi-thi.scan.pdf").read_bytes()
    )
    job = services.document_job_run(job_id=job.pk)
    assert job.status == "failed" and "tesseract-ocr-vie" in job.error and bytes(job.data) == b""
    page = client.get(reverse("directives:import_job", args=[job.pk]))
    assert page.status_code == 200 and "tesseract-ocr-vie" in page.content.decode()
    assert "directive_import" not in client.session


@pytest.mark.slow
def test_the_worker_reads_the_scan_and_its_page_leads_to_the_review_of_its_tasks(client, staff):
    job = services.document_job_create(
        user=staff, filename="scan.pdf", data=(FIXTURES / "chi-thi.scan.pdf").read_bytes()
    )
    job = services.document_job_run(job_id=job.pk)
    assert (job.status, job.method, job.pages) == ("done", "ocr", 1)
    assert services.document_job_run(job_id=job.pk).text == job.text  # a redelivered task does nothing
    response = client.get(reverse("directives:import_job", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == REVIEW
    contract = client.session["directive_import"]["contract"]
    assert contract["document"]["number"] == "015/CT-UBND" and len(contract["tasks"]) >= 2
