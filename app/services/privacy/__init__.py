"""Personal-data rights: a person downloads everything Kolo holds about them; an admin erases a departed person."""
