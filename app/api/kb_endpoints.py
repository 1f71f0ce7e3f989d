"""Skeleton: filled in by the API work (issue 8)."""

from app.api.blueprint import api  # noqa: F401
