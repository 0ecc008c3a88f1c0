"""The lifecycles of persons and shelters, each declared once as a state machine."""
