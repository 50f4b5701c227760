"""Page time of a 50-revision article's history page (and a diff between its first and last revision).

.venv/bin/python bench/kb_history.py
"""

import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlmodel import Session

from app.config import Settings
from app.main import create_app
from app.migrations import upgrade
from app.models.kb import ArticleCreate, ArticleUpdate
from app.models.users import Role, UserCreate
from app.services import users as users_service
from app.services.kb import articles

REVISIONS = 50
RUNS = 30


def main() -> None:
    """Build the article through the services, then time GET /kb/<slug>/history."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            data_dir=Path(tmp) / "data",
            index_dir=Path(tmp) / "index",
            run_scheduler=False,
            start_indexer=False,
            secret_key="bench-secret-key-long-enough-0123456789",
        )
        settings.data_dir.mkdir(parents=True)
        upgrade(settings.database_url)
        app = create_app(settings)
        with Session(app.state.engine) as session:
            user = users_service.create_user(
                session=session,
                actor=None,
                password="bench-password-123",
                data=UserCreate(email="b@kolo.test", name="Bench", role=Role.manager),
            )
            body = "\n".join(f"Рядок {i}: текст протоколу про гігієну рук." for i in range(60))
            article = articles.create_article(
                session=session, author=user, data=ArticleCreate(title="Історія", body=body)
            )
            first = article.head_revision_id
            for n in range(2, REVISIONS + 1):
                body = body.replace(f"Рядок {n}:", f"Рядок {n} (зміна {n}):")
                articles.save_article(
                    session=session,
                    user=user,
                    article=article,
                    data=ArticleUpdate(base_revision_id=article.head_revision_id, body=body, change_note=f"Зміна {n}"),
                )
            last, slug = article.head_revision_id, article.slug
        with TestClient(app) as client:
            client.post("/api/v1/auth/login", json={"email": "b@kolo.test", "password": "bench-password-123"})
            pages = (("history", f"/kb/{slug}/history"), ("diff 1→50", f"/kb/{slug}/diff?old={first}&new={last}"))
            for name, url in pages:
                assert client.get(url).status_code == 200
                times = []
                for _ in range(RUNS):
                    started = time.perf_counter()
                    client.get(url)
                    times.append((time.perf_counter() - started) * 1000)
                print(
                    f"{name}: median {statistics.median(times):.1f} ms, p90 {sorted(times)[int(RUNS * 0.9)]:.1f} ms"
                    f" over {RUNS} requests ({REVISIONS} revisions, SQLite)"
                )


if __name__ == "__main__":
    main()
