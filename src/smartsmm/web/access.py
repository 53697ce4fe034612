"""Views get the user's access through one decorator."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from smartsmm.tenancy.access import Access, access_for

AGENCY_SESSION_KEY = "agency_id"


class AccessRequest(HttpRequest):
    access: Access


def with_access(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Require login and attach `request.access` (the user's role in the current agency)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        access = access_for(request.user, request.session.get(AGENCY_SESSION_KEY))
        request.access = access  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
