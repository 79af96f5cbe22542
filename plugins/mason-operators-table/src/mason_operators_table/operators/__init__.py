"""Operator folders, one per ``namespace/command``; each holds ``operator.yaml``."""
