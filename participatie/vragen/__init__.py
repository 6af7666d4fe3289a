"""Vragen: the stappenplan from intake to borging."""
