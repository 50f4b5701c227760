"""The knowledge base: articles and their lifecycle, revisions, acknowledgements, reviews, import/export."""

import app.search.kb_sources  # noqa: F401  (registers the article search source)
