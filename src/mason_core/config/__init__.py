"""Configuration: parsing, interpolation, validation and the saved store."""
