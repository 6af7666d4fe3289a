"""Peilingen: flash polls that residents answer on their phone."""
