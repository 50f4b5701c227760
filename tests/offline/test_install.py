"""Install on a phone: the web app manifest with icons that exist at their sizes, every page linking it, and the
service worker served from the root, checked for a new version on every visit."""

import struct

from fastapi.testclient import TestClient


def _png_size(body: bytes) -> tuple[int, int]:
    assert body[:8] == b"\x89PNG\r\n\x1a\n" and body[12:16] == b"IHDR"
    width, height = struct.unpack(">II", body[16:24])
    return width, height


def test_the_manifest_installs_kolo_in_ukrainian_with_its_icons(client: TestClient) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["name"] == manifest["short_name"] == "Коло" and manifest["lang"] == "uk"
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/", "/", "standalone")
    assert manifest["theme_color"] == "#007a50" and manifest["background_color"] == "#ffffff"
    sizes = set()
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        assert image.status_code == 200 and image.headers["content-type"] == "image/png", icon
        width, height = _png_size(image.content)
        assert icon["sizes"] == f"{width}x{height}" and icon["type"] == "image/png", icon
        sizes.add((icon["sizes"], icon["purpose"]))
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes


def test_the_manifest_follows_the_browsers_language(client: TestClient) -> None:
    manifest = client.get("/manifest.webmanifest", headers={"Accept-Language": "en"}).json()
    assert manifest["name"] == "Kolo" and manifest["lang"] == "en"


def test_every_page_links_the_manifest_icon_theme_colour_and_the_worker_script(client: TestClient) -> None:
    page = client.get("/login").text
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert '<link rel="apple-touch-icon" href="/static/icons/apple-touch-icon.png">' in page
    assert '<meta name="theme-color" content="#007a50">' in page
    assert 'src="/static/js/offline.js" data-worker="/sw.js?' in page
    assert _png_size(client.get("/static/icons/apple-touch-icon.png").content) == (180, 180)


def test_the_service_worker_is_served_from_the_root_and_never_cached_stale(client: TestClient) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert response.headers["cache-control"] == "no-cache"
    assert response.headers["service-worker-allowed"] == "/"
    assert 'self.addEventListener("fetch"' in response.text
