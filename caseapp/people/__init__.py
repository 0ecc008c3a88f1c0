"""Persons, their households, nationalities and which offices know them."""
