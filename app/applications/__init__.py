"""Financing applications (融资需求): an enterprise's stated need for credit, and its progress."""
