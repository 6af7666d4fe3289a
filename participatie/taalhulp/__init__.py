"""Taalhulp: the B1 signal while the council writes (signaal.py) and the beheerder's jargon list."""
