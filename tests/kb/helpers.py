"""Arrange knowledge-base data through the services: the factories under the short names the KB tests use."""

from tests.factories import make_article
from tests.factories import publish_article as publish
from tests.factories import revise_article as save

__all__ = ["make_article", "publish", "save"]
