"""Celery messages are signed; the worker runs only messages it can verify (issue 13, item 12).

Whoever can write to the broker (Redis) could otherwise queue any task with any arguments, e.g.
retention with a date of their choosing. Every message the app publishes carries an HMAC-SHA256 of
task name, task id, arguments and keyword arguments (header `caseapp_sig`, key derived from SECRET_KEY,
which the broker never sees); the worker rejects a message without a valid one, unrun and not requeued,
and logs it to `caseapp.security`. Messages are JSON only (no pickle), and a task name the worker does not
know is dropped by Celery itself.

Celery's own message signing (`task_serializer="auth"`) would sign with X.509 keys and needs a
certificate store on every worker; the HMAC here needs nothing beyond the secret the app already has.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import uuid

from celery import current_app as current_celery
from celery.exceptions import Reject
from celery.signals import before_task_publish

HEADER = "caseapp_sig"
KEY_SETTING = "caseapp_message_key"
security_log = logging.getLogger("caseapp.security")


def message_key(secret_key: str) -> str:
    return hmac.new(secret_key.encode("utf-8"), b"caseapp celery messages", hashlib.sha256).hexdigest()


def message_signature(key: str, name: str, task_id: str, args, kwargs) -> str:
    payload = json.dumps([name, task_id, list(args or ()), dict(kwargs or {})], sort_keys=True, default=str,
                         separators=(",", ":"))
    return hmac.new(key.encode("utf-8"), payload.encode("utf-8"), hashlib.sha256).hexdigest()


@before_task_publish.connect(weak=False)
def _sign_outgoing(sender=None, body=None, headers=None, **_):
    """Every message this process publishes (web, CLI, beat) gets its signature, unless it has one."""
    if headers is None or body is None or HEADER in headers:
        return
    key = current_celery.conf.get(KEY_SETTING)
    if not key:
        return
    args, kwargs = (body[0], body[1]) if isinstance(body, list | tuple) else ((), {})
    headers[HEADER] = message_signature(key, headers.get("task", sender), headers.get("id"), args, kwargs)


def verify_incoming(task, args, kwargs) -> None:
    """In the worker, before a task runs: Reject (drop, no requeue) what this app did not sign."""
    request = task.request
    if request.called_directly or request.is_eager:
        return  # called in-process, not received from the broker
    given = request.get(HEADER) or (request.headers or {}).get(HEADER)
    expected = message_signature(task.app.conf.get(KEY_SETTING) or "", task.name, request.id, args, kwargs)
    if not isinstance(given, str) or not hmac.compare_digest(given, expected):
        security_log.warning("refused unsigned or altered task message: %s id=%s", task.name, request.id)
        raise Reject("unsigned or altered task message", requeue=False)


def send_signed(client, name: str, secret_key: str, args=(), kwargs=None, **options):
    """Send a task from a Celery client that is not this app (tests, scripts) with a valid signature,
    to the queue the app routes it to unless `queue=` says otherwise."""
    from caseapp.tasks.celery_app import queue_for

    options.setdefault("queue", queue_for(name))
    task_id = str(uuid.uuid4())
    sig = message_signature(message_key(secret_key), name, task_id, args, kwargs)
    return client.send_task(name, args=list(args), kwargs=kwargs or {}, task_id=task_id,
                            headers={HEADER: sig}, **options)
