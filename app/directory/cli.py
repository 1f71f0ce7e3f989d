import click


@click.group("orgs")
def orgs_group():
    """Organizations of the region."""
