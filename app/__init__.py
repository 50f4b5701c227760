"""Kolo: the staff hub of a hospital or clinic."""
