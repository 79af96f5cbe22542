"""Operators of the `job` namespace."""
