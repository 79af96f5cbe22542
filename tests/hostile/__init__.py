"""Hostile input and faults: no data lost, no secret printed, no traceback."""
