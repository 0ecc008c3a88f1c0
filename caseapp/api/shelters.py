"""JSON API endpoints for shelters (see interfaces.md)."""
from caseapp.api import api_bp  # noqa: F401
