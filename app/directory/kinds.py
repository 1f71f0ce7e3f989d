"""Kinds of organizations in the directory tree."""

from flask_babel import lazy_gettext as _l

REGION = "region"
MUNICIPALITY = "municipality"
SCHOOL = "school"
INSTITUTE = "institute"
COMPUTER_CENTER = "computer_center"

ALL_KINDS = (REGION, MUNICIPALITY, SCHOOL, INSTITUTE, COMPUTER_CENTER)

KIND_LABELS = {
    REGION: _l("Region"),
    MUNICIPALITY: _l("Municipality"),
    SCHOOL: _l("School"),
    INSTITUTE: _l("Teacher-training institute"),
    COMPUTER_CENTER: _l("Computer center"),
}

# The kind of parent each kind hangs under in the tree.
PARENT_KINDS = {
    REGION: (),
    MUNICIPALITY: (REGION,),
    SCHOOL: (MUNICIPALITY,),
    INSTITUTE: (REGION,),
    COMPUTER_CENTER: (REGION,),
}

# Organizations whose responsible person for the rollout is appointed by order (plan item 2.1).
APPOINTING_KINDS = (MUNICIPALITY, SCHOOL)


def kind_label(kind):
    """Human-readable, translated name of an organization kind."""
    return KIND_LABELS.get(kind, kind)
