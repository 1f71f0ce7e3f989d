"""`opora tickets …` commands."""

import click


@click.group("tickets")
def tickets_group():
    """The hotline."""
