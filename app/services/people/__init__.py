"""People as search finds them: the person source (search.py)."""
