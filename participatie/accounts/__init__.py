"""Accounts, roles, councils and login."""
