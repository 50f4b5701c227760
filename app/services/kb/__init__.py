"""The knowledge base: articles and their lifecycle, revisions, acknowledgements, reviews, import/export."""

import app.search.kb_sources  # noqa: F401  (registers the article search source)
import app.services.kb.attachments  # noqa: F401  (registers who may read article files)
