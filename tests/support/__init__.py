"""Helpers only the tests use: references the production code is checked against,
a crowd of phones, the fuzzer, and the real server and browser the browser tests
(and the browser benchmarks in ``bench/``) drive."""
