"""The team feed's services; routers import this package as `feed_service`."""

import app.search.feed_sources  # noqa: E402,F401  (registers the feed's search sources)
from app.services.feed.access import can_read, get_post_or_raise, readable_ids
from app.services.feed.events import (
    create_event,
    events_for_posts,
    get_event_or_raise,
    list_rsvps,
    rsvp,
    to_ics,
    update_event,
)
from app.services.feed.posts import (
    create_post,
    delete_post,
    end_of_day,
    list_revisions,
    mark_read,
    pin_post,
    post_url,
    unpin_post,
    update_post,
)
from app.services.feed.reads import read_report, report_csv
from app.services.feed.social import (
    add_comment_reaction,
    add_reaction,
    count_comment_reactions,
    count_reactions,
    create_comment,
    delete_comment,
    get_comment_or_raise,
    list_comment_reactors,
    list_comments,
    list_reactors,
    remove_comment_reaction,
    remove_reaction,
    toggle_comment_reaction,
    toggle_reaction,
)
from app.services.feed.views import (
    FeedFilters,
    authors_by_id,
    comments_public,
    event_public,
    list_feed,
    to_public_many,
    top_posts,
)
from app.services.uploads import register_access_check

register_access_check("post", lambda session, user, post_id: can_read(session=session, user=user, post_id=post_id))

__all__ = [
    "FeedFilters",
    "add_comment_reaction",
    "add_reaction",
    "authors_by_id",
    "can_read",
    "comments_public",
    "count_comment_reactions",
    "count_reactions",
    "create_comment",
    "create_event",
    "create_post",
    "delete_comment",
    "delete_post",
    "end_of_day",
    "event_public",
    "events_for_posts",
    "get_comment_or_raise",
    "get_event_or_raise",
    "get_post_or_raise",
    "list_comment_reactors",
    "list_comments",
    "list_feed",
    "list_reactors",
    "list_revisions",
    "list_rsvps",
    "mark_read",
    "pin_post",
    "post_url",
    "read_report",
    "readable_ids",
    "remove_comment_reaction",
    "remove_reaction",
    "report_csv",
    "rsvp",
    "to_ics",
    "to_public_many",
    "toggle_comment_reaction",
    "toggle_reaction",
    "top_posts",
    "unpin_post",
    "update_event",
    "update_post",
]
