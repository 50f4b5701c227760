"""POLICY: route name -> object case -> the outcome for anonymous, staff, manager, admin (one letter each).

A: let through (2xx/3xx); L: sent to sign in (401 from the API, the login redirect from pages); F: 403; N: 404;
V: let through to the rules, which refused the input (422: an empty form); C: let through, but the row is not in
the state the action needs (409).
Cases: "-" (the route names no row), "own" (the caller's own), "other" (a colleague's, same department),
"dept" (another department's), "draft" (a colleague's unpublished article)."""

from collections.abc import Callable
from typing import Any

Body = Callable[[dict[str, int]], Any]


def _fixed(body: dict[str, Any]) -> Body:
    return lambda _ids: dict(body)


_REACTION = _fixed({"emoji": "👍"})
_COMMENT = _fixed({"body": "Дякую, корисно!"})
_POST = _fixed({"body": "Порада: антисептик тримайте на руках тридцять секунд."})

# Bodies that let a write through when the caller may make it, so "A" is proven, not a validation error.
BODIES: dict[str, Body] = {
    "create_reaction": _REACTION,
    "delete_reaction": _REACTION,
    "create_comment_reaction": _REACTION,
    "delete_comment_reaction": _REACTION,
    "toggle_reaction_page": _REACTION,
    "toggle_comment_reaction_page": _REACTION,
    "create_comment": _COMMENT,
    "create_comment_page": _COMMENT,
    "create_post": _POST,
    "create_post_page": _POST,
    "update_post_page": _POST,
    "create_upload": _fixed({"files": {"file": ("схема.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "image/png")}}),
    "create_department": _fixed({"name": "Кардіологія"}),
    "rename_department": _fixed({"name": "Кардіологія"}),
    "department_submit": _fixed({"name": "Кардіологія"}),
    "create_category": _fixed({"name": "Кардіологія"}),
    "categories_submit": _fixed({"name": "Кардіологія"}),
    "create_patient_data_rule": _fixed({"name": "Номер", "pattern": "НОМ-\\d{5}"}),
    "rule_submit": _fixed({"name": "Номер", "pattern": "НОМ-\\d{5}"}),
    "create_article": _fixed({"title": "Нова стаття", "body": "Текст."}),
    "new_article_submit": _fixed({"title": "Нова стаття", "body": "Текст."}),
    "create_user": _fixed({"email": "new@kolo.test", "name": "Нова Людина"}),
    "new_user_submit": _fixed({"email": "new@kolo.test", "name": "Нова Людина"}),
    "change_mentor": lambda ids: {"mentor_id": ids["colleague"]},
    "change_mentor_submit": lambda ids: {"mentor_id": ids["colleague"]},
    "close_assignment": _fixed({"reason": "Звільнилася"}),
    "close_submit": _fixed({"reason": "Звільнилася"}),
    "create_rule": lambda ids: {"department_id": ids["surgery"], "template_id": 1},
    "create_synonym_group": _fixed({"terms": ["п'ятихвилинка", "нарада"]}),
    "update_synonym_group": _fixed({"terms": ["розклад", "графік", "розпорядок"]}),
    "synonym_create_submit": _fixed({"terms": "п'ятихвилинка\nнарада"}),
    "synonym_edit_submit": lambda ids: {"group": "shipped:ЗОЗ", "terms": "ЗОЗ\nзаклад охорони здоров'я"},
    "synonym_remove_submit": _fixed({"group": "shipped:ЗОЗ"}),
    "synonym_restore_submit": _fixed({"group": "shipped:ЗОЗ"}),
    "return_article": _fixed({"comment": "Додайте джерело."}),
    "return_article_page": _fixed({"comment": "Додайте джерело."}),
    "update_notification_settings": _fixed({"digest_hour": 9}),
    "create_push_subscription": _fixed({"endpoint": "https://push.example/x", "keys": {"p256dh": "k", "auth": "a"}}),
    "delete_push_subscription": _fixed({"endpoint": "https://push.example/x"}),
}

POLICY: dict[str, dict[str, str]] = {
    "openapi": {"-": "AAAA"},  # GET /openapi.json
    "static": {"-": "AAAA"},  # GET /static
    "healthz": {"-": "AAAA"},  # GET /healthz
    "api_docs": {"-": "AAAA"},  # GET /docs
    "web_manifest": {"-": "AAAA"},  # GET /manifest.webmanifest
    "service_worker": {"-": "AAAA"},  # GET /sw.js
    "offline_page": {"-": "AAAA"},  # GET /offline: as nobody sees it, for a signed-out device
    "read_offline_articles": {"-": "LAAA"},  # GET /api/v1/offline/articles
    "login": {"-": "VVVV"},  # POST /api/v1/auth/login
    "logout": {"-": "LAAA"},  # POST /api/v1/auth/logout
    "login_page": {"-": "AAAA"},  # GET /login
    "login_submit": {"-": "LLLL"},  # POST /login
    "logout_submit": {"-": "LAAA"},  # POST /logout
    "sso_start": {"-": "NNNN"},  # GET /auth/oidc: single sign-on is not set up here (tests/users/test_sso.py)
    "sso_callback": {"-": "NNNN"},  # GET /auth/oidc/callback
    "invite_page": {"-": "NNNN"},  # GET /invite/{token}
    "invite_submit": {"-": "NNNN"},  # POST /invite/{token}
    "choose_language": {"-": "AAAA"},  # POST /language
    "theme_submit": {"-": "AAAA"},  # POST /theme
    "read_me": {"-": "LAAA"},  # GET /api/v1/users/me
    "update_me": {"-": "LVVV"},  # PATCH /api/v1/users/me
    "read_mention_suggestions": {"-": "LAAA"},  # GET /api/v1/users/mention-suggestions
    "check_mentions": {"-": "LAAA"},  # GET /api/v1/users/mention-check
    "read_users": {"-": "LFFA"},  # GET /api/v1/users
    "create_user": {"-": "LFFA"},  # POST /api/v1/users
    "read_user": {"own": "LFFA", "other": "LFFA", "dept": "LFFA"},  # GET /api/v1/users/{user_id}
    "update_user": {"own": "LFFA", "other": "LFFA", "dept": "LFFA"},  # PATCH /api/v1/users/{user_id}
    "deactivate_user": {"own": "LFFV", "other": "LFFA", "dept": "LFFA"},  # DELETE /api/v1/users/{user_id}
    "reinvite_user": {"own": "LFFA", "other": "LFFA", "dept": "LFFA"},  # POST /api/v1/users/{user_id}/invite
    "read_departments": {"-": "LAAA"},  # GET /api/v1/departments
    "create_department": {"-": "LFFA"},  # POST /api/v1/departments
    "read_department": {"own": "LAAA", "other": "LAAA", "dept": "LAAA"},  # GET /api/v1/departments/{department_id}
    "rename_department": {"own": "LFFA", "other": "LFFA", "dept": "LFFA"},  # PATCH /api/v1/departments/{department_id}
    "read_tokens": {"-": "LAAA"},  # GET /api/v1/tokens
    "create_token": {"-": "LAAA"},  # POST /api/v1/tokens
    "revoke_token": {"own": "LAAA", "other": "LNNN"},  # DELETE /api/v1/tokens/{token_id}
    "read_sessions": {"-": "LAAA"},  # GET /api/v1/sessions
    "revoke_session": {"own": "LAAA", "other": "LNNN"},  # DELETE /api/v1/sessions/{session_id}
    "account_page": {"-": "LAAA"},  # GET /account
    "read_notification_settings": {"-": "LAAA"},  # GET /api/v1/account/notification-settings
    "update_notification_settings": {"-": "LAAA"},  # PUT /api/v1/account/notification-settings
    "notification_settings_page": {"-": "LAAA"},  # GET /account/notifications
    "notification_settings_submit": {"-": "LVVV"},  # POST /account/notifications
    "read_push_key": {"-": "LNNN"},  # GET /api/v1/push/key: push is not set up here (tests/notifications/test_push.py)
    "create_push_subscription": {"-": "LNNN"},  # POST /api/v1/push/subscriptions: the same
    "delete_push_subscription": {"-": "LAAA"},  # POST /api/v1/push/subscriptions/remove
    "read_calendar": {"-": "LAAA"},  # GET /api/v1/account/calendar
    "renew_calendar": {"-": "LAAA"},  # POST /api/v1/account/calendar
    "delete_calendar": {"-": "LAAA"},  # DELETE /api/v1/account/calendar
    "calendar_submit": {"-": "LAAA"},  # POST /account/calendar
    "calendar_off_submit": {"-": "LAAA"},  # POST /account/calendar/off
    "calendar_file": {"-": "NNNN"},  # GET /calendar/{token}.ics: no session needed; a made-up address is 404
    "profile_submit": {"-": "LVVV"},  # POST /account/profile
    "password_submit": {"-": "LVVV"},  # POST /account/password
    "session_revoke_submit": {"own": "LAAA", "other": "LNNN"},  # POST /account/sessions/{session_id}/revoke
    "token_submit": {"-": "LAAA"},  # POST /account/tokens
    "token_revoke_submit": {"own": "LAAA", "other": "LNNN"},  # POST /account/tokens/{token_id}/revoke
    "read_audit_events": {"-": "LFFA"},  # GET /api/v1/audit
    "users_page": {"-": "LFFA"},  # GET /admin
    "new_user_page": {"-": "LFFA"},  # GET /admin/users/new
    "new_user_submit": {"-": "LFFA"},  # POST /admin/users/new
    "user_page": {"own": "LFFA", "other": "LFFA", "dept": "LFFA"},  # GET /admin/users/{user_id}
    "user_submit": {"own": "LFFA", "other": "LFFA", "dept": "LFFA"},  # POST /admin/users/{user_id}
    "reinvite_submit": {"own": "LFFA", "other": "LFFA", "dept": "LFFA"},  # POST /admin/users/{user_id}/invite
    "departments_page": {"-": "LFFA"},  # GET /admin/departments
    "department_submit": {"-": "LFFA"},  # POST /admin/departments
    "audit_page": {"-": "LFFA"},  # GET /admin/audit
    "export_my_data": {"-": "LAAA"},  # GET /api/v1/account/export
    "erase_user": {"own": "LFFV", "other": "LFFA", "dept": "LFFA"},  # POST /api/v1/users/{user_id}/erase
    "export_submit": {"-": "LAAA"},  # POST /account/export
    "erase_page": {"own": "LFFA", "other": "LFFA", "dept": "LFFA"},  # GET /admin/users/{user_id}/erase
    "erase_submit": {"own": "LFFV", "other": "LFFV", "dept": "LFFV"},  # POST /admin/users/{user_id}/erase
    "create_upload": {"-": "LAAA"},  # POST /api/v1/uploads
    "read_upload": {"own": "LAAA", "other": "LNNN"},  # GET /api/v1/uploads/{upload_id}
    "download_upload": {"own": "LAAA", "other": "LNNN"},  # GET /uploads/{upload_id}
    "read_posts": {"-": "LAAA"},  # GET /api/v1/posts
    "create_post": {"-": "LAAA"},  # POST /api/v1/posts
    "read_post": {"own": "LAAA", "other": "LAAA", "dept": "LNNA"},  # GET /api/v1/posts/{post_id}
    "update_post": {"own": "LAAA", "other": "LFFF", "dept": "LNNF"},  # PATCH /api/v1/posts/{post_id}
    "delete_post": {"own": "LAAA", "other": "LFAA", "dept": "LNNA"},  # DELETE /api/v1/posts/{post_id}
    "read_post_revisions": {"own": "LAAA", "other": "LAAA", "dept": "LNNA"},  # GET /api/v1/posts/{post_id}/revisions
    "read_comments": {"own": "LAAA", "other": "LAAA", "dept": "LNNA"},  # GET /api/v1/posts/{post_id}/comments
    "create_comment": {"own": "LAAA", "other": "LAAA", "dept": "LNNA"},  # POST /api/v1/posts/{post_id}/comments
    "delete_comment": {"own": "LAAA", "other": "LFAA", "dept": "LNNA"},  # DELETE /api/v1/comments/{comment_id}
    "read_comment_reactions": {
        "own": "LAAA",
        "other": "LAAA",
        "dept": "LNNA",
    },  # GET /api/v1/comments/{comment_id}/reactions
    "create_comment_reaction": {
        "own": "LAAA",
        "other": "LAAA",
        "dept": "LNNA",
    },  # POST /api/v1/comments/{comment_id}/reactions
    "delete_comment_reaction": {
        "own": "LVVV",
        "other": "LVVV",
        "dept": "LVVV",
    },  # DELETE /api/v1/comments/{comment_id}/reactions
    "read_reactions": {"own": "LAAA", "other": "LAAA", "dept": "LNNA"},  # GET /api/v1/posts/{post_id}/reactions
    "create_reaction": {"own": "LAAA", "other": "LAAA", "dept": "LNNA"},  # POST /api/v1/posts/{post_id}/reactions
    "delete_reaction": {"own": "LVVV", "other": "LVVV", "dept": "LVVV"},  # DELETE /api/v1/posts/{post_id}/reactions
    "pin_post": {"own": "LFAA", "other": "LFAA", "dept": "LFNA"},  # POST /api/v1/posts/{post_id}/pin
    "unpin_post": {"own": "LFAA", "other": "LFAA", "dept": "LFNA"},  # DELETE /api/v1/posts/{post_id}/pin
    "read_announcement": {"own": "LVVV", "other": "LVVV", "dept": "LNNV"},  # POST /api/v1/posts/{post_id}/read
    "read_reads": {"own": "LFVV", "other": "LFVV", "dept": "LFNV"},  # GET /api/v1/posts/{post_id}/reads
    "read_events": {"-": "LAAA"},  # GET /api/v1/events
    "read_event": {"own": "LAAA", "other": "LAAA", "dept": "LNNA"},  # GET /api/v1/events/{event_id}
    "update_event": {"own": "LAAA", "other": "LFFF", "dept": "LNNF"},  # PATCH /api/v1/events/{event_id}
    "rsvp": {"own": "LVVV", "other": "LVVV", "dept": "LVVV"},  # POST /api/v1/events/{event_id}/rsvp
    "read_rsvps": {"own": "LAAA", "other": "LFAA", "dept": "LNNA"},  # GET /api/v1/events/{event_id}/rsvps
    "feed_page": {"-": "LAAA"},  # GET /
    "create_post_page": {"-": "LAAA"},  # POST /posts
    "post_detail_page": {"own": "LAAA", "other": "LAAA", "dept": "LNNA"},  # GET /posts/{post_id}
    "post_edit_page": {"own": "LAAA", "other": "LFFF", "dept": "LNNF"},  # GET /posts/{post_id}/edit
    "update_post_page": {"own": "LAAA", "other": "LFFF", "dept": "LNNF"},  # POST /posts/{post_id}/edit
    "delete_post_page": {"own": "LAAA", "other": "LFAA", "dept": "LNNA"},  # POST /posts/{post_id}/delete
    "restore_post_page": {"own": "LNNN", "other": "LNNN", "dept": "LNNN"},  # POST /posts/{post_id}/restore
    "create_comment_page": {"own": "LAAA", "other": "LAAA", "dept": "LNNA"},  # POST /posts/{post_id}/comments
    "delete_comment_page": {"own": "LAAA", "other": "LFAA", "dept": "LNNA"},  # POST /comments/{comment_id}/delete
    "toggle_reaction_page": {"own": "LAAA", "other": "LAAA", "dept": "LNNA"},  # POST /posts/{post_id}/reactions
    "toggle_comment_reaction_page": {
        "own": "LAAA",
        "other": "LAAA",
        "dept": "LNNA",
    },  # POST /comments/{comment_id}/reactions
    "pin_post_page": {"own": "LFAA", "other": "LFAA", "dept": "LFNA"},  # POST /posts/{post_id}/pin
    "unpin_post_page": {"own": "LFAA", "other": "LFAA", "dept": "LFNA"},  # POST /posts/{post_id}/unpin
    "mark_read_page": {"own": "LVVV", "other": "LVVV", "dept": "LNNV"},  # POST /posts/{post_id}/read
    "reads_page": {"own": "LFVV", "other": "LFVV", "dept": "LFNV"},  # GET /posts/{post_id}/reads
    "reads_csv": {"own": "LFVV", "other": "LFVV", "dept": "LFNV"},  # GET /posts/{post_id}/reads.csv
    "event_page": {"own": "LAAA", "other": "LAAA", "dept": "LNNA"},  # GET /events/{event_id}
    "event_edit_page": {"own": "LAAA", "other": "LFFF", "dept": "LNNF"},  # GET /events/{event_id}/edit
    "update_event_page": {"own": "LVVV", "other": "LVVV", "dept": "LNNV"},  # POST /events/{event_id}/edit
    "rsvp_page": {"own": "LVVV", "other": "LVVV", "dept": "LVVV"},  # POST /events/{event_id}/rsvp
    "event_ics": {"own": "LAAA", "other": "LAAA", "dept": "LNNA"},  # GET /events/{event_id}/event.ics
    "read_notifications": {"-": "LAAA"},  # GET /api/v1/notifications
    "read_unread_count": {"-": "LAAA"},  # GET /api/v1/notifications/unread-count
    "mark_read": {"own": "LAAA", "other": "LNNN"},  # POST /api/v1/notifications/{notification_id}/read
    "mark_all_read": {"-": "LAAA"},  # POST /api/v1/notifications/read-all
    "bell": {"-": "LAAA"},  # GET /notifications/bell
    "notification_list_page": {"-": "LAAA"},  # GET /notifications
    "open_notification": {"own": "LAAA", "other": "LNNN"},  # POST /notifications/{notification_id}/open
    "mark_all_read_page": {"-": "LAAA"},  # POST /notifications/read-all
    "read_articles": {"-": "LAAA"},  # GET /api/v1/articles
    "create_article": {"-": "LAAA"},  # POST /api/v1/articles
    "preview_article": {"-": "LAAA"},  # POST /api/v1/articles/preview
    "read_article": {
        "own": "LAAA",
        "other": "LAAA",
        "dept": "LNNA",
        "draft": "LNAA",
    },  # GET /api/v1/articles/{article_id}
    "update_article": {
        "own": "LVVV",
        "other": "LVVV",
        "dept": "LNNV",
        "draft": "LNVV",
    },  # PATCH /api/v1/articles/{article_id}
    "submit_article": {
        "own": "LAAA",
        "other": "LCCC",
        "dept": "LNNC",
        "draft": "LNAA",
    },  # POST /api/v1/articles/{article_id}/submit
    "publish_article": {
        "own": "LFAA",
        "other": "LFCC",
        "dept": "LNNC",
        "draft": "LNAA",
    },  # POST /api/v1/articles/{article_id}/publish
    "return_article": {
        "own": "LFCC",
        "other": "LFCC",
        "dept": "LNNC",
        "draft": "LNCC",
    },  # POST /api/v1/articles/{article_id}/return
    "archive_article": {
        "own": "LFAA",
        "other": "LFAA",
        "dept": "LNNA",
        "draft": "LNAA",
    },  # POST /api/v1/articles/{article_id}/archive
    "unarchive_article": {
        "own": "LFCC",
        "other": "LFCC",
        "dept": "LNNC",
        "draft": "LNCC",
    },  # POST /api/v1/articles/{article_id}/unarchive
    "review_article": {
        "own": "LCCC",
        "other": "LFAA",
        "dept": "LNNA",
        "draft": "LNCC",
    },  # POST /api/v1/articles/{article_id}/reviewed
    "acknowledge_article": {
        "own": "LCCC",
        "other": "LAAA",
        "dept": "LNNA",
        "draft": "LNCC",
    },  # POST /api/v1/articles/{article_id}/acknowledge
    "read_acknowledgements": {
        "own": "LFAA",
        "other": "LFAA",
        "dept": "LNNA",
        "draft": "LNAA",
    },  # GET /api/v1/articles/{article_id}/acknowledgements
    "delete_attachment": {
        "own": "LNNN",
        "other": "LFNN",
        "dept": "LNNN",
        "draft": "LNNN",
    },  # DELETE /api/v1/articles/{article_id}/attachments/{upload_id}
    "read_article_revisions": {
        "own": "LAAA",
        "other": "LAAA",
        "dept": "LNNA",
        "draft": "LNAA",
    },  # GET /api/v1/articles/{article_id}/revisions
    "read_revision": {
        "own": "LAAA",
        "other": "LAAA",
        "dept": "LNNA",
        "draft": "LNAA",
    },  # GET /api/v1/articles/{article_id}/revisions/{revision_id}
    "restore_revision": {
        "own": "LAAA",
        "other": "LAAA",
        "dept": "LNNA",
        "draft": "LNAA",
    },  # POST /api/v1/articles/{article_id}/revisions/{revision_id}/restore
    "read_diff": {
        "own": "LVVV",
        "other": "LVVV",
        "dept": "LVVV",
        "draft": "LVVV",
    },  # GET /api/v1/articles/{article_id}/diff
    "read_views": {
        "own": "LFAA",
        "other": "LFAA",
        "dept": "LNNA",
        "draft": "LNAA",
    },  # GET /api/v1/articles/{article_id}/views
    "read_categories": {"-": "LAAA"},  # GET /api/v1/kb/categories
    "create_category": {"-": "LFAA"},  # POST /api/v1/kb/categories
    "read_review_report": {"-": "LFAA"},  # GET /api/v1/reports/kb-reviews
    "review_report_page": {"-": "LFAA"},  # GET /kb/reports/reviews
    "categories_page": {"-": "LFAA"},  # GET /kb/categories
    "categories_submit": {"-": "LFAA"},  # POST /kb/categories
    "export_category": {"-": "LFAA"},  # GET /kb/categories/{category_id}/export
    "import_page": {"-": "LFAA"},  # GET /kb/import
    "import_submit": {"-": "LFVV"},  # POST /kb/import
    "acknowledgements_page": {
        "own": "LFAA",
        "other": "LFAA",
        "dept": "LNNA",
        "draft": "LNAA",
    },  # GET /kb/{slug}/acknowledgements
    "remind_acknowledgements_page": {
        "own": "LFCC",
        "other": "LFAA",
        "dept": "LNNA",
        "draft": "LNCC",
    },  # POST /kb/{slug}/acknowledgements/remind
    "acknowledgements_csv": {
        "own": "LFAA",
        "other": "LFAA",
        "dept": "LNNA",
        "draft": "LNAA",
    },  # GET /kb/{slug}/acknowledgements.csv
    "views_page": {"own": "LFAA", "other": "LFAA", "dept": "LNNA", "draft": "LNAA"},  # GET /kb/{slug}/views
    "history_page": {"own": "LAAA", "other": "LAAA", "dept": "LNNA", "draft": "LNAA"},  # GET /kb/{slug}/history
    "revision_page": {
        "own": "LAAA",
        "other": "LAAA",
        "dept": "LNNA",
        "draft": "LNAA",
    },  # GET /kb/{slug}/revisions/{revision_id}
    "diff_page": {"own": "LVVV", "other": "LVVV", "dept": "LVVV", "draft": "LVVV"},  # GET /kb/{slug}/diff
    "restore_submit": {
        "own": "LAAA",
        "other": "LAAA",
        "dept": "LNNA",
        "draft": "LNAA",
    },  # POST /kb/{slug}/revisions/{revision_id}/restore
    "article_list_page": {"-": "LAAA"},  # GET /kb
    "new_article_page": {"-": "LAAA"},  # GET /kb/new
    "new_article_submit": {"-": "LAAA"},  # POST /kb/new
    "preview_fragment": {"-": "LAAA"},  # POST /kb/preview
    "article_page": {"own": "LAAA", "other": "LAAA", "dept": "LNNA", "draft": "LNAA"},  # GET /kb/{slug}
    "article_print_page": {"own": "LAAA", "other": "LAAA", "dept": "LNNA", "draft": "LNAA"},  # GET /kb/{slug}/print
    "edit_article_page": {"own": "LAAA", "other": "LAAA", "dept": "LNNA", "draft": "LNAA"},  # GET /kb/{slug}/edit
    "edit_article_submit": {"own": "LVVV", "other": "LVVV", "dept": "LNNV", "draft": "LNVV"},  # POST /kb/{slug}/edit
    "submit_article_page": {"own": "LAAA", "other": "LCCC", "dept": "LNNC", "draft": "LNAA"},  # POST /kb/{slug}/submit
    "publish_article_page": {
        "own": "LFAA",
        "other": "LFCC",
        "dept": "LNNC",
        "draft": "LNAA",
    },  # POST /kb/{slug}/publish
    "return_article_page": {"own": "LFCC", "other": "LFCC", "dept": "LNNC", "draft": "LNCC"},  # POST /kb/{slug}/return
    "archive_article_page": {
        "own": "LFAA",
        "other": "LFAA",
        "dept": "LNNA",
        "draft": "LNAA",
    },  # POST /kb/{slug}/archive
    "unarchive_article_page": {
        "own": "LFCC",
        "other": "LFCC",
        "dept": "LNNC",
        "draft": "LNCC",
    },  # POST /kb/{slug}/unarchive
    "reviewed_article": {"own": "LCCC", "other": "LFAA", "dept": "LNNA", "draft": "LNCC"},  # POST /kb/{slug}/reviewed
    "acknowledge_article_page": {
        "own": "LCCC",
        "other": "LAAA",
        "dept": "LNNA",
        "draft": "LNCC",
    },  # POST /kb/{slug}/acknowledge
    "attach_submit": {"own": "LVVV", "other": "LVVV", "dept": "LVVV", "draft": "LVVV"},  # POST /kb/{slug}/attachments
    "remove_attachment_submit": {
        "own": "LNNN",
        "other": "LFNN",
        "dept": "LNNN",
        "draft": "LNNN",
    },  # POST /kb/{slug}/attachments/{upload_id}/delete
    "read_templates": {"-": "LFAA"},  # GET /api/v1/onboarding/templates
    "create_checklist": {"-": "LFVV"},  # POST /api/v1/onboarding/templates
    "read_template": {"other": "LFAA", "dept": "LFAA"},  # GET /api/v1/onboarding/templates/{template_id}
    "update_checklist": {"other": "LFAA", "dept": "LFFA"},  # PATCH /api/v1/onboarding/templates/{template_id}
    "archive_checklist": {"other": "LFAA", "dept": "LFFA"},  # DELETE /api/v1/onboarding/templates/{template_id}
    "copy_checklist": {"other": "LFAA", "dept": "LFAA"},  # POST /api/v1/onboarding/templates/{template_id}/copy
    "create_template_task": {"other": "LFVV", "dept": "LFVV"},  # POST /api/v1/onboarding/templates/{template_id}/tasks
    "update_template_task": {
        "other": "LFVV",
        "dept": "LFVV",
    },  # PUT /api/v1/onboarding/templates/{template_id}/tasks/{task_id}
    "delete_template_task": {
        "other": "LFAA",
        "dept": "LFFA",
    },  # DELETE /api/v1/onboarding/templates/{template_id}/tasks/{task_id}
    "read_assignments": {"-": "LAAA"},  # GET /api/v1/onboarding/assignments
    "create_assignment": {"-": "LFVV"},  # POST /api/v1/onboarding/assignments
    "read_assignment": {
        "own": "LAAA",
        "other": "LNAA",
        "dept": "LNNA",
    },  # GET /api/v1/onboarding/assignments/{assignment_id}
    "change_mentor": {
        "own": "LFAA",
        "other": "LNVV",
        "dept": "LNNA",
    },  # POST /api/v1/onboarding/assignments/{assignment_id}/mentor
    "close_assignment": {
        "own": "LFAA",
        "other": "LNAA",
        "dept": "LNNA",
    },  # POST /api/v1/onboarding/assignments/{assignment_id}/close
    "extend_due_date": {
        "own": "LVVV",
        "other": "LVVV",
        "dept": "LVVV",
    },  # POST /api/v1/onboarding/assignments/{assignment_id}/tasks/{task_id}/due
    "complete_task": {
        "own": "LAAA",
        "other": "LNNN",
        "dept": "LNNN",
    },  # POST /api/v1/onboarding/assignments/{assignment_id}/tasks/{task_id}/complete
    "request_signoff": {
        "own": "LVVV",
        "other": "LNNN",
        "dept": "LNNN",
    },  # POST /api/v1/onboarding/assignments/{assignment_id}/tasks/{task_id}/request-signoff
    "sign_off": {
        "own": "LFFF",
        "other": "LNVV",
        "dept": "LNNV",
    },  # POST /api/v1/onboarding/assignments/{assignment_id}/tasks/{task_id}/signoff
    "answer_not_yet": {
        "own": "LVVV",
        "other": "LVVV",
        "dept": "LVVV",
    },  # POST /api/v1/onboarding/assignments/{assignment_id}/tasks/{task_id}/not-yet
    "read_dashboard": {"-": "LFAA"},  # GET /api/v1/onboarding/dashboard
    "read_rules": {"-": "LFAA"},  # GET /api/v1/onboarding/rules
    "create_rule": {"-": "LFFA"},  # POST /api/v1/onboarding/rules
    "delete_rule": {"-": "LFAA"},  # DELETE /api/v1/onboarding/rules/{rule_id}
    "my_onboarding_page": {"-": "LAAA"},  # GET /onboarding
    "mentoring_page": {"-": "LAAA"},  # GET /onboarding/mentoring
    "plan_page": {"own": "LAAA", "other": "LNAA", "dept": "LNNA"},  # GET /onboarding/assignments/{assignment_id}
    "complete_task_submit": {
        "own": "LAAA",
        "other": "LNNN",
        "dept": "LNNN",
    },  # POST /onboarding/tasks/{task_id}/complete
    "undo_task_submit": {"own": "LNNN", "other": "LNNN", "dept": "LNNN"},  # POST /onboarding/tasks/{task_id}/undo
    "request_signoff_submit": {
        "own": "LVVV",
        "other": "LNNN",
        "dept": "LNNN",
    },  # POST /onboarding/tasks/{task_id}/request-signoff
    "signoff_submit": {"own": "LFFF", "other": "LNVV", "dept": "LNNV"},  # POST /onboarding/tasks/{task_id}/signoff
    "not_yet_submit": {"own": "LFFF", "other": "LNVV", "dept": "LNNV"},  # POST /onboarding/tasks/{task_id}/not-yet
    "dashboard_page": {"-": "LFAA"},  # GET /onboarding/dashboard
    "dashboard_csv": {"-": "LFAA"},  # GET /onboarding/dashboard.csv
    "assign_page": {"-": "LFAA"},  # GET /onboarding/assign
    "assign_submit": {"-": "LFVV"},  # POST /onboarding/assign
    "change_mentor_submit": {
        "own": "LFAA",
        "other": "LNVV",
        "dept": "LNNA",
    },  # POST /onboarding/assignments/{assignment_id}/mentor
    "close_submit": {
        "own": "LFAA",
        "other": "LNAA",
        "dept": "LNNA",
    },  # POST /onboarding/assignments/{assignment_id}/close
    "extend_due_submit": {
        "own": "LVVV",
        "other": "LVVV",
        "dept": "LVVV",
    },  # POST /onboarding/assignments/{assignment_id}/due
    "templates_page": {"-": "LFAA"},  # GET /onboarding/templates
    "create_template_submit": {"-": "LFVV"},  # POST /onboarding/templates
    "template_page": {"other": "LFAA", "dept": "LFAA"},  # GET /onboarding/templates/{template_id}
    "update_template_submit": {"other": "LFVV", "dept": "LFFV"},  # POST /onboarding/templates/{template_id}
    "copy_template_submit": {"other": "LFAA", "dept": "LFAA"},  # POST /onboarding/templates/{template_id}/copy
    "add_section_submit": {"other": "LFVV", "dept": "LFFV"},  # POST /onboarding/templates/{template_id}/sections
    "rename_section_submit": {
        "other": "LFVV",
        "dept": "LFFV",
    },  # POST /onboarding/templates/{template_id}/sections/{section_id}/rename
    "remove_section_submit": {
        "other": "LFAA",
        "dept": "LFFA",
    },  # POST /onboarding/templates/{template_id}/sections/{section_id}/delete
    "add_task_submit": {"other": "LFVV", "dept": "LFFV"},  # POST /onboarding/templates/{template_id}/tasks
    "edit_task_submit": {
        "other": "LFVV",
        "dept": "LFFV",
    },  # POST /onboarding/templates/{template_id}/tasks/{task_id}/edit
    "move_task_submit": {
        "other": "LFVV",
        "dept": "LFVV",
    },  # POST /onboarding/templates/{template_id}/tasks/{task_id}/move
    "remove_task_submit": {
        "other": "LFAA",
        "dept": "LFFA",
    },  # POST /onboarding/templates/{template_id}/tasks/{task_id}/delete
    "add_rule_submit": {"other": "LFVV", "dept": "LFVV"},  # POST /onboarding/templates/{template_id}/rules
    "delete_rule_submit": {
        "other": "LFAA",
        "dept": "LFAA",
    },  # POST /onboarding/templates/{template_id}/rules/{rule_id}/delete
    "read_patient_data_suspects": {"-": "LFAA"},  # GET /api/v1/patient-data/suspects
    "read_patient_data_overrides": {"-": "LFAA"},  # GET /api/v1/patient-data/overrides
    "read_patient_data_rules": {"-": "LFAA"},  # GET /api/v1/patient-data/rules
    "create_patient_data_rule": {"-": "LFFA"},  # POST /api/v1/patient-data/rules
    "delete_patient_data_rule": {"-": "LFFA"},  # DELETE /api/v1/patient-data/rules/{rule_id}
    "suspects_page": {"-": "LFAA"},  # GET /patient-data
    "overrides_page": {"-": "LFAA"},  # GET /patient-data/overrides
    "rules_page": {"-": "LFAA"},  # GET /patient-data/rules
    "rule_submit": {"-": "LFFA"},  # POST /patient-data/rules
    "rule_delete_submit": {"-": "LFFA"},  # POST /patient-data/rules/{rule_id}/delete
    "read_search": {"-": "LAAA"},  # GET /api/v1/search
    "read_search_gaps": {"-": "LFAA"},  # GET /api/v1/reports/search-gaps
    "create_guide_request": {"-": "LFVV"},  # POST /api/v1/search/guide-requests
    "search_page": {"-": "LAAA"},  # GET /search
    "search_suggest": {"-": "LAAA"},  # GET /search/suggest
    "search_go": {"-": "LVVV"},  # GET /search/go
    "search_gaps_page": {"-": "LFAA"},  # GET /search/gaps
    "search_gaps_request": {"-": "LFVV"},  # POST /search/gaps/requests
    "read_synonym_groups": {"-": "LFAA"},  # GET /api/v1/search/synonyms
    "create_synonym_group": {"-": "LFAA"},  # POST /api/v1/search/synonyms
    "read_synonym_group": {"-": "LFAA"},  # GET /api/v1/search/synonyms/{group_id}
    "update_synonym_group": {"-": "LFAA"},  # PATCH /api/v1/search/synonyms/{group_id}
    "delete_synonym_group": {"-": "LFAA"},  # DELETE /api/v1/search/synonyms/{group_id}
    "synonym_list_page": {"-": "LFAA"},  # GET /search/synonyms
    "synonym_new_page": {"-": "LFAA"},  # GET /search/synonyms/new
    "synonym_create_submit": {"-": "LFAA"},  # POST /search/synonyms/new
    "synonym_edit_page": {"-": "LFNN"},  # GET /search/synonyms/edit (no ?group=: no such group)
    "synonym_edit_submit": {"-": "LFAA"},  # POST /search/synonyms/edit
    "synonym_remove_submit": {"-": "LFAA"},  # POST /search/synonyms/remove
    "synonym_restore_submit": {"-": "LFAA"},  # POST /search/synonyms/restore
}
