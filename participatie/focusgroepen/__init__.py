"""Focusgroepen: temporary groups of clients, council members and policy officers."""
