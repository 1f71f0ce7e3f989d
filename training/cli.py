"""`opora training …`: load a course from files, send seminar reminders."""

import click

training_group = click.Group("training", help="Курсы и семинары.")
