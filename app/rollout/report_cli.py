"""`opora reports …` commands."""

import click


@click.group("reports")
def reports_group():
    """Quarterly reports on the rollout (plan item 2.6)."""
