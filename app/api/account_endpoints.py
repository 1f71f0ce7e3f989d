"""Who the token belongs to."""

from pydantic import BaseModel

from app.api.blueprint import api
from app.api.schemas import OrganizationRef


class Me(BaseModel):
    """The token's owner: the account every call acts as."""

    id: int
    email: str
    name: str
    role: str
    organization: OrganizationRef | None
    token_scope: str


@api.operation("/me", summary="The account the token acts as", tag="account", response=Me)
def me(user):
    """The token's owner and the token's scope."""
    from flask import g

    organization = user.organization
    return Me(id=user.id, email=user.email, name=user.full_name, role=user.role,
              organization=OrganizationRef(id=organization.id, code=organization.code, name=organization.name,
                                           kind=organization.kind) if organization else None,
              token_scope=g.api_token.scope)
