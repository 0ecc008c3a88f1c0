"""Communal shelters (Gemeinschaftsunterkünfte), their rooms and the stays in them."""
