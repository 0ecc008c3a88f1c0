"""Reads who may use what from the code itself: admin views' allowed_roles and the API views' role checks.

The security tests build their role x view matrix from this, so a new view is tested the moment it
exists, and a view that declares nobody must be closed to everybody.
"""
from __future__ import annotations

import ast
import inspect
import textwrap

# Endpoints meant for everyone: login and two-factor pages, static files, the language switch.
PUBLIC_ENDPOINTS = frozenset({
    "static", "admin.static", "security.static", "lang.switch_language", "home",
    "security.login", "security.logout", "security.verify", "security.change_password",
    "security.two_factor_setup", "security.two_factor_setup_validate", "security.two_factor_token_validation",
    "security.two_factor_rescue", "security.tf_select",
    # any logged-in user, no data: extends the session (204), anyone else 401 (test_security_sessions.py)
    "keep_session",
})


def admin_views(app):
    return list(app.extensions["admin"][0]._views)


def admin_view_of(app, endpoint: str):
    prefix = endpoint.split(".", 1)[0]
    for view in admin_views(app):
        if view.endpoint == prefix:
            return view
    return None


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _roles_in(func, depth: int = 0):
    """The roles named by the first role check in func (or in a module helper it calls)."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError):
        return None
    calls = sorted(
        (n for n in ast.walk(tree) if isinstance(n, ast.Call)), key=lambda n: (n.lineno, n.col_offset)
    )
    for call in calls:
        name = _call_name(call)
        if name == "require_roles" and call.args:
            return frozenset(eval(ast.unparse(call.args[0]), func.__globals__))
        if name == "has_any" and len(call.args) == 2 and ast.unparse(call.args[0]) == "current_user":
            return frozenset(eval(ast.unparse(call.args[1]), func.__globals__))
        helper = func.__globals__.get(name) if name else None
        if depth < 1 and inspect.isfunction(helper) and helper.__module__ == func.__module__:
            found = _roles_in(helper, depth + 1)
            if found is not None:
                return found
    return None


def api_declared_roles(app, endpoint: str) -> frozenset[str] | None:
    """allowed_roles set on the view, else the roles of its first role check; None if it names none."""
    view = app.view_functions[endpoint]
    declared = getattr(view, "allowed_roles", None)
    if declared is not None:
        return frozenset(declared)
    return _roles_in(inspect.unwrap(view))


def api_rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")]
