"""Benchmarks, run by hand (``make bench``), never as timed unit tests."""
