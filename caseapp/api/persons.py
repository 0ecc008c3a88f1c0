"""JSON API endpoints for persons (see interfaces.md)."""
from caseapp.api import api_bp  # noqa: F401
