"""Helpers only the tests use: references the production code is checked against."""
