"""Placement: which room a person or household gets, split as Indico splits its room booking operations.

rules.py   the protection rules every placement keeps (barrier-free need, women-only rooms, ...)
choice.py  the shelters a placement looks in (target_shelters, for a person and a household), the
           automatic room choice and the decision on a given room, under the shelter locks
household.py rooms in one shelter for a whole household (household_rooms)
ranking.py ranked suggestions across all open shelters (Unterbringungsvorschläge)
"""
