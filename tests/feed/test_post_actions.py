"""A post's page shows the buttons the service allows (`feed.access`): staff never see a manager's pin, must-read or
reads-report controls; the manager does."""


def _post(client, **fields):  # type: ignore[no-untyped-def]
    response = client.post("/api/v1/posts", json={"body": "Оголошення для всіх", "kind": "announcement", **fields})
    assert response.status_code == 201, response.text
    return response.json()


def test_staff_do_not_see_the_managers_buttons_and_the_manager_does(staff_client, manager_client) -> None:  # type: ignore[no-untyped-def]
    post = _post(manager_client, must_read=True)
    pin, reads = f'/posts/{post["id"]}/pin"', f'/posts/{post["id"]}/reads"'
    staff_page = staff_client.get(f"/posts/{post['id']}").text
    manager_page = manager_client.get(f"/posts/{post['id']}").text
    assert pin not in staff_page and reads not in staff_page
    assert pin in manager_page and reads in manager_page
    assert 'name="must_read"' not in staff_client.get("/").text
    assert 'name="must_read"' in manager_client.get("/").text


def test_the_author_edits_and_deletes_their_own_post_and_others_only_read_it(staff_client, manager_client) -> None:  # type: ignore[no-untyped-def]
    post = _post(staff_client, kind="tip")
    edit, delete = f'/posts/{post["id"]}/edit"', f'/posts/{post["id"]}/delete"'
    author = staff_client.get(f"/posts/{post['id']}").text
    assert edit in author and delete in author
    manager = manager_client.get(f"/posts/{post['id']}").text
    assert edit not in manager and delete in manager  # a manager deletes, only the author edits
