"""Matching (匹配): the eligible products of a whitelisted application, ranked with reasons."""
