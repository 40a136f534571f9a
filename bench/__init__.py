"""Benchmarks: the real bot against the Bot API stand-in, each in its own process (run with `make bench`)."""
