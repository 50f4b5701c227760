"""Uploads: real type by magic bytes, size limit, honest names, who may download."""

from fastapi.testclient import TestClient

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PDF = b"%PDF-1.7\n" + b"x" * 64


def _upload(client: TestClient, name: str, data: bytes, content_type: str):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/uploads", files={"file": (name, data, content_type)})


class TestUpload:
    def test_anonymous_is_refused(self, client: TestClient) -> None:
        assert _upload(client, "a.png", PNG, "image/png").status_code in (401, 403)

    def test_png_is_stored_and_shown_inline_to_its_owner(self, staff_client: TestClient) -> None:
        response = _upload(staff_client, "схема.png", PNG, "image/png")
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["content_type"] == "image/png" and body["filename"] == "схема.png"
        download = staff_client.get(body["url"])
        assert download.status_code == 200 and download.content == PNG
        assert download.headers["content-type"] == "image/png"
        assert download.headers["content-disposition"].startswith("inline")
        assert download.headers["x-content-type-options"] == "nosniff"

    def test_pdf_is_downloaded_as_attachment(self, staff_client: TestClient) -> None:
        url = _upload(staff_client, "protocol.pdf", PDF, "application/pdf").json()["url"]
        assert staff_client.get(url).headers["content-disposition"].startswith("attachment")

    def test_file_lying_about_its_type_is_refused(self, staff_client: TestClient) -> None:
        response = _upload(staff_client, "photo.png", PDF, "image/png")
        assert response.status_code == 422
        assert response.json()["error"] == "InvalidInput"

    def test_unknown_type_is_refused(self, staff_client: TestClient) -> None:
        response = _upload(staff_client, "run.png", b"<script>alert(1)</script>", "image/png")
        assert response.status_code == 422

    def test_too_large_file_is_refused(self, staff_client: TestClient, app) -> None:  # type: ignore[no-untyped-def]
        app.state.settings.max_upload_mb = 1
        response = _upload(staff_client, "big.png", PNG + b"\0" * (1024 * 1024), "image/png")
        assert response.status_code == 413
        assert "1" in response.json()["detail"]

    def test_someone_else_cannot_read_an_unattached_upload(
        self,
        staff_client: TestClient,
        new_client,  # type: ignore[no-untyped-def]
        manager,
    ) -> None:
        from tests.conftest import sign_in

        url = _upload(staff_client, "a.png", PNG, "image/png").json()["url"]
        other = sign_in(new_client(), manager.email)
        assert other.get(url).status_code == 404
