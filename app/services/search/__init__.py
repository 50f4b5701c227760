"""Search for people: the database re-check of hits, the reader's keys, the query log and the content-gap loop."""
