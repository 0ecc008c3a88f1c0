"""Placement: which room a person or household gets, split as Indico splits its room booking operations.

rules.py   the protection rules every placement keeps (barrier-free need, women-only rooms, ...)
choice.py  the automatic room choice and the decision on a given room, under the shelter locks
ranking.py ranked suggestions across all open shelters (Unterbringungsvorschläge)
"""
