"""``tinydb``: a Mason metastore whose catalog is one JSON file."""
