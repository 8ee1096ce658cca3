"""Benchmarks: each case runs against its anchor in the same run; nothing here asserts a time."""
