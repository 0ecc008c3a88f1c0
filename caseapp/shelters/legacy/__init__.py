"""Importing the shelters' old Excel occupancy lists: read (sheet.py), map and apply (importer.py)."""
