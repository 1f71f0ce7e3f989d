"""`opora search …` commands."""

import click


@click.group("search")
def search_group():
    """The search index."""
