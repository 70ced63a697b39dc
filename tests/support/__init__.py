"""Builders, waiting helpers and local provider servers shared by the test levels."""
