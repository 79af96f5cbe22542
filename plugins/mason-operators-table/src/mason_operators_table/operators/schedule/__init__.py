"""Operators of the `schedule` namespace."""
