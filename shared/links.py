"""Addresses of the web app's pages that emails, SMS and calendar files link to."""

from __future__ import annotations


def session_page(session_id: str) -> str:
    """The web app's page of a session, with its join button (kept short: it goes into SMS).

    A person who is not signed in signs in first and lands back on it.
    """
    return f"/#/sessions/{session_id}"


def accept_invitation_page(token: str) -> str:
    """The web app's page where an invited person sets their password (the token in the fragment
    never reaches a server log)."""
    return f"/#/accept?token={token}"


def reset_password_page(token: str) -> str:
    """The web app's page where a person chooses a new password."""
    return f"/#/reset?token={token}"
