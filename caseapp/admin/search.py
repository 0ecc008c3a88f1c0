"""List searches whose term never appears in a URL: posted, kept in the server-side session, named by a token.

A search for "Hussein, Hassan" in a query string would land in the access logs of every proxy on the
way, in the browser history and in Referer headers. Here the search box posts to `<view>/search/`, the
term is stored in the session (server-side: Redis, or files in the demo) under a random token, and the
list is shown at `?q=<token>`. Paging, sorting and filters carry the token, never the term. An old link
with `?search=` is answered with a redirect to its token, so the term does not stay in the address bar.
"""
from __future__ import annotations

import secrets

from flask import redirect, request, session
from flask_admin import expose

SESSION_KEY = "caseapp_searches"
KEPT = 20  # searches per session; older tokens lead to the unsearched list
MAX_LENGTH = 200
# The list arguments a search keeps (filters start with flt).
KEPT_ARGS = ("sort", "desc", "page_size")


def store_search(term: str) -> str:
    """Keep the term in the session and return its token (the same token for a repeated term)."""
    searches = dict(session.get(SESSION_KEY) or {})
    for token, kept in searches.items():
        if kept == term:
            return token
    token = secrets.token_urlsafe(9)
    searches[token] = term
    while len(searches) > KEPT:
        searches.pop(next(iter(searches)))
    session[SESSION_KEY] = searches
    return token


def stored_search(token: str | None) -> str | None:
    return (session.get(SESSION_KEY) or {}).get(token) if token else None


class PostSearchMixin:
    """For a Flask-Admin ModelView: the search box posts, the term lives in the session (see above)."""

    @expose("/search/", methods=("POST",))
    def search_view(self):
        term = " ".join((request.form.get("search") or "").split())[:MAX_LENGTH]
        kept = {k: v for k, v in request.form.items() if k in KEPT_ARGS or k.startswith("flt")}
        if term:
            kept["q"] = store_search(term)
        return redirect(self.get_url(".index_view", **kept))

    @expose("/")
    def index_view(self):
        if "search" in request.args:
            args = request.args.to_dict()
            term = " ".join(args.pop("search").split())[:MAX_LENGTH]
            if term:
                args["q"] = store_search(term)
            return redirect(self.get_url(".index_view", **args))
        return super().index_view()

    def _get_list_extra_args(self):
        view_args = super()._get_list_extra_args()
        view_args.search = stored_search(request.args.get("q"))
        return view_args

    def _get_list_url(self, view_args):
        extra = {k: v for k, v in view_args.extra_args.items() if k != "q"}
        if view_args.search:
            extra["q"] = store_search(view_args.search)
        return super()._get_list_url(view_args.clone(search=None, extra_args=extra))

    def render(self, template, **kwargs):
        # The stock search form would GET the term (and the filter form repeat it in a hidden field):
        # both are given no term; admin/search_list.html renders the posting box instead.
        if "search_supported" in kwargs:
            kwargs["caseapp_search"] = kwargs.get("search") or ""
            kwargs["caseapp_search_supported"] = kwargs["search_supported"]
            kwargs["search_supported"], kwargs["search"] = False, None
        return super().render(template, **kwargs)
