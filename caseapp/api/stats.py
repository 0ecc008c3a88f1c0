"""JSON API endpoints for stats (see interfaces.md)."""
from caseapp.api import api_bp  # noqa: F401
