"""`kolo backup` and `kolo restore`: one tar.gz archive holding the database, the uploaded files and the data
folder's secret key, with a manifest of checksums that is checked before a restore places anything."""
