"""An upload's name never carries markup: not into the post that shows it, nor into the download's headers."""

from fastapi.testclient import TestClient

from tests.markup import assert_no_active_markup as _clean


def test_upload_name_is_cleaned(staff_client: TestClient) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
    upload = staff_client.post(
        "/api/v1/uploads", files={"file": ("<img src=x onerror=alert(1)>.png", png, "image/png")}
    ).json()
    post = staff_client.post("/api/v1/posts", json={"body": "Схема", "upload_ids": [upload["id"]]}).json()
    _clean(staff_client.get(post["url"]).text)
    download = staff_client.get(upload["url"])
    assert "<" not in download.headers["content-disposition"]
