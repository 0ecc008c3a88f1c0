"""City offices (Ämter) that contribute data, and users' membership in them."""
