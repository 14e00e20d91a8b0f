"""Concepts: one vocabulary over the corpus's theme and keyword spellings."""
