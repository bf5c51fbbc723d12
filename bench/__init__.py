"""Benchmarks (not tests): each script prints its figures against a bare baseline."""
