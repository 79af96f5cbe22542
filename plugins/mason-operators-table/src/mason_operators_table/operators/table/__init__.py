"""Operators of the `table` namespace."""
