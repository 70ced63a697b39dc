"""accounts: organizations, branches, users, roles and access tokens."""
