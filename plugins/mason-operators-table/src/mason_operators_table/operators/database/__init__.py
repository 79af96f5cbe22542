"""Operators of the `database` namespace."""
