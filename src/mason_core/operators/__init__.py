"""Operators: definitions (spec), parameters, configuration support, the run
context. Import the submodules; this package stays empty so that reading
definitions does not build the engine and model classes."""
