"""The seven roles of the portal and the organization kinds each may belong to."""

from flask_babel import lazy_gettext as _l

ADMIN = "admin"
COORDINATOR = "coordinator"
OPERATOR = "operator"
METHODOLOGIST = "methodologist"
MUNICIPAL = "municipal"
SCHOOL = "school"
TEACHER = "teacher"

ALL_ROLES = (ADMIN, COORDINATOR, OPERATOR, METHODOLOGIST, MUNICIPAL, SCHOOL, TEACHER)

ROLE_LABELS = {
    ADMIN: _l("Regional administrator"),
    COORDINATOR: _l("Regional monitoring coordinator"),
    OPERATOR: _l("Computer center operator"),
    METHODOLOGIST: _l("Institute methodologist"),
    MUNICIPAL: _l("Municipal education office specialist"),
    SCHOOL: _l("School coordinator"),
    TEACHER: _l("Teacher"),
}

# Which kind of organization a user of each role works in.
ROLE_ORGANIZATION_KINDS = {
    ADMIN: ("region",),
    COORDINATOR: ("region",),
    OPERATOR: ("computer_center",),
    METHODOLOGIST: ("institute",),
    MUNICIPAL: ("municipality",),
    SCHOOL: ("school",),
    TEACHER: ("school",),
}


def role_label(role):
    """Human-readable, translated name of a role."""
    return ROLE_LABELS.get(role, role)
