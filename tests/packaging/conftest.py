"""The example plugins' own tests run inside the virtualenv their wheels are
installed into (see test_tinydb.py), not in this test session."""

collect_ignore_glob = ["mason-*/*"]
