"""Workflows: DAGs of operator steps handed to a scheduler engine."""
