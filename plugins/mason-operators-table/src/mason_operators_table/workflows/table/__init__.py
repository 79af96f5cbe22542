"""Workflows in the ``table`` namespace."""
