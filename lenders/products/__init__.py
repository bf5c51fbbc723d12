"""Loan products (金融产品): what a lender offers and to whom."""
