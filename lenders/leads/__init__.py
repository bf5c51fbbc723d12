"""Leads (推荐): an application offered to one bank's product, answered within deadlines."""
