"""Every event Njia publishes, as a marshmallow schema per (type, version).

Names: the thing plus a past participle (``user.registered``); the constant
``USER_REGISTERED``; the schema ``UserRegistered``; a consumer's handler
``handle_user_registered``. Adding a field is a new optional field; removing or
changing one is a new version with its own schema, both kept while consumers move.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared.events.envelope import contract

ROLES = ("client", "counselor", "branch_admin", "org_admin")

ORGANIZATION_CREATED = "organization.created"
BRANCH_CREATED = "branch.created"
USER_REGISTERED = "user.registered"


class _Data(Schema):
    """Consumers ignore fields they do not know, so producers can add optional ones."""

    class Meta:
        unknown = "exclude"


@contract(ORGANIZATION_CREATED, source="accounts")
class OrganizationCreated(_Data):
    org_id = fields.String(required=True)
    name = fields.String(required=True)
    slug = fields.String(required=True)
    admin_id = fields.String(required=True)


@contract(BRANCH_CREATED, source="accounts")
class BranchCreated(_Data):
    branch_id = fields.String(required=True)
    org_id = fields.String(required=True)
    name = fields.String(required=True)
    timezone = fields.String(required=True)
    language = fields.String(required=True)


@contract(USER_REGISTERED, source="accounts")
class UserRegistered(_Data):
    user_id = fields.String(required=True)
    org_id = fields.String(required=True)
    branch_id = fields.String(allow_none=True, load_default=None)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    email = fields.Email(required=True)
    name = fields.String(required=True)
    phone = fields.String(allow_none=True, load_default=None)
    timezone = fields.String(required=True)
    language = fields.String(required=True)


# Every (source, event type, consuming service, handler method) in the platform.
# `njia-admin declare-queues` creates these queues before traffic starts, so no
# event is published into an exchange with no queue bound (nameko would drop it).
SUBSCRIPTIONS: tuple[tuple[str, str, str, str], ...] = ()
