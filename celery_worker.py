"""Entry point for the Celery worker and beat: celery -A celery_worker worker / beat."""
from caseapp import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
