"""Deadlines in working days: Chinese public holidays and adjusted working days (调休)."""
