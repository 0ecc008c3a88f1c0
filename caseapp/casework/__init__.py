"""Everyday casework on a person: follow-ups (Wiedervorlagen) and short case notes, per office."""
