"""Leads delivery to banks: webhook signatures and the rules for a bank's webhook URL."""
