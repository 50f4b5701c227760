"""The knowledge base: articles and their lifecycle, revisions, acknowledgements, reviews, import/export."""
