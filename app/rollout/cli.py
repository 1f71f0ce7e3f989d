"""`opora rollout …` commands."""

import click


@click.group("rollout")
def rollout_group():
    """Control of the rollout: milestones and reminders."""
