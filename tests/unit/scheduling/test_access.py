"""services/scheduling/access.py: who may do what, for every role, branch and organization.

One practice (organization ``org_kisumu``, branches ``brn_north`` and ``brn_south``) and another
organization whose staff work in a branch with the same id, so that no rule lets a matching
branch stand in for a matching organization. The session at stake is Amina's with Wanjiru, in
the north branch.
"""

import pytest

from services.scheduling.access import (
    BookingForSomeoneElse,
    ClientNotNamed,
    ClientOfAnotherBranch,
    CounselorOfAnotherBranch,
    NotAClient,
    OfAnotherOrganization,
    Person,
    SessionParties,
    bound_by_policy,
    can_see_session,
    check_branch_for_booking,
    check_client_for_booking,
    check_counselor_for_booking,
    client_to_book_for,
    may_get_calendar_feed,
    may_join,
    may_manage_availability,
    may_read_notes,
    may_see_branch_report,
    may_settle,
    may_share_record,
    may_share_with,
    may_write_notes,
    session_scope,
)
from shared.auth import Caller

ORG = "org_kisumu"
OTHER_ORG = "org_mombasa"
NORTH, SOUTH = "brn_north", "brn_south"

AMINA = Caller("usr_amina", ORG, "client", NORTH)  # the session's client
BARAKA = Caller("usr_baraka", ORG, "client", NORTH)  # another client of the branch
CHIKU = Caller("usr_chiku", ORG, "client", SOUTH)  # a client of the other branch
DUMA = Caller("usr_duma", ORG, "client", None)  # a client of no branch yet
WANJIRU = Caller("usr_wanjiru", ORG, "counselor", NORTH)  # the session's counselor
OTIENO = Caller("usr_otieno", ORG, "counselor", NORTH)  # her colleague in the branch
KAMAU = Caller("usr_kamau", ORG, "counselor", SOUTH)  # a counselor of the other branch
NORTH_ADMIN = Caller("usr_njeri", ORG, "branch_admin", NORTH)
SOUTH_ADMIN = Caller("usr_mwangi", ORG, "branch_admin", SOUTH)
ORG_ADMIN = Caller("usr_achieng", ORG, "org_admin", None)
STRANGER_CLIENT = Caller("usr_zawadi", OTHER_ORG, "client", NORTH)
STRANGER_COUNSELOR = Caller("usr_jabari", OTHER_ORG, "counselor", NORTH)
STRANGER_BRANCH_ADMIN = Caller("usr_imani", OTHER_ORG, "branch_admin", NORTH)
STRANGER_ORG_ADMIN = Caller("usr_halima", OTHER_ORG, "org_admin", None)

SESSION = SessionParties(org_id=ORG, branch_id=NORTH, counselor_id=WANJIRU.user_id, client_id=AMINA.user_id)

OTHER_ORGANIZATION = [STRANGER_CLIENT, STRANGER_COUNSELOR, STRANGER_BRANCH_ADMIN, STRANGER_ORG_ADMIN]


def person(caller: Caller) -> Person:
    return Person(caller.user_id, caller.role, caller.org_id, caller.branch_id)


def who(callers):
    return pytest.mark.parametrize("caller", callers, ids=lambda c: f"{c.role}:{c.user_id}")


def never_asked():
    raise AssertionError("the sharing list was read although the answer did not depend on it")


def shared_with(*callers):
    return lambda: [c.user_id for c in callers]


# Seeing a session --------------------------------------------------------------------------------


@who([AMINA, WANJIRU, NORTH_ADMIN, ORG_ADMIN])
def test_a_session_is_seen_by_its_client_its_counselor_and_its_admins(caller):
    assert can_see_session(caller, SESSION)


@who([BARAKA, CHIKU, OTIENO, KAMAU])
def test_other_clients_and_counselors_do_not_see_a_session_even_of_their_branch(caller):
    assert not can_see_session(caller, SESSION)


def test_the_admin_of_another_branch_does_not_see_a_session():
    assert not can_see_session(SOUTH_ADMIN, SESSION)


@who(OTHER_ORGANIZATION)
def test_nobody_of_another_organization_sees_a_session(caller):
    assert not can_see_session(caller, SESSION)


def test_a_session_of_another_organization_is_unseen_even_by_its_own_participants_ids():
    elsewhere = SessionParties(OTHER_ORG, NORTH, WANJIRU.user_id, AMINA.user_id)

    assert not can_see_session(WANJIRU, elsewhere)
    assert not can_see_session(AMINA, elsewhere)


# Managing a counselor's hours --------------------------------------------------------------------


@who([WANJIRU, NORTH_ADMIN, ORG_ADMIN])
def test_a_counselors_hours_are_managed_by_the_counselor_and_their_admins(caller):
    assert may_manage_availability(caller, person(WANJIRU))


@who([OTIENO, KAMAU])
def test_a_counselor_cannot_manage_a_colleagues_hours(caller):
    assert not may_manage_availability(caller, person(WANJIRU))


@who([AMINA, BARAKA, CHIKU])
def test_a_client_cannot_manage_a_counselors_hours_even_their_own_counselors(caller):
    assert not may_manage_availability(caller, person(WANJIRU))


def test_the_admin_of_another_branch_cannot_manage_a_counselors_hours():
    assert not may_manage_availability(SOUTH_ADMIN, person(WANJIRU))


def test_a_counselor_of_the_other_branch_is_managed_by_that_branchs_admin():
    assert may_manage_availability(SOUTH_ADMIN, person(KAMAU))
    assert not may_manage_availability(NORTH_ADMIN, person(KAMAU))


@who(OTHER_ORGANIZATION)
def test_nobody_of_another_organization_manages_a_counselors_hours(caller):
    assert not may_manage_availability(caller, person(WANJIRU))


# Case notes --------------------------------------------------------------------------------------


def test_the_sessions_counselor_writes_its_notes():
    assert may_write_notes(WANJIRU, SESSION)


@who([OTIENO, KAMAU, NORTH_ADMIN, SOUTH_ADMIN, ORG_ADMIN, AMINA, BARAKA, *OTHER_ORGANIZATION])
def test_nobody_but_the_sessions_counselor_writes_its_notes(caller):
    assert not may_write_notes(caller, SESSION)


@who([WANJIRU, NORTH_ADMIN, ORG_ADMIN])
def test_the_sessions_counselor_and_its_admins_read_its_notes_without_any_sharing(caller):
    assert may_read_notes(caller, SESSION, never_asked)


@who([AMINA, BARAKA, CHIKU])
def test_a_client_never_reads_notes_not_even_of_their_own_session(caller):
    assert not may_read_notes(caller, SESSION, shared_with(caller))


def test_a_colleague_of_the_branch_reads_notes_once_the_client_shared_their_record():
    assert not may_read_notes(OTIENO, SESSION, shared_with())
    assert not may_read_notes(OTIENO, SESSION, shared_with(KAMAU))
    assert may_read_notes(OTIENO, SESSION, shared_with(OTIENO))


def test_a_counselor_of_another_branch_cannot_read_notes_even_when_shared():
    assert not may_read_notes(KAMAU, SESSION, shared_with(KAMAU))


def test_a_counselor_of_no_branch_cannot_read_notes_of_a_session_of_no_branch_even_when_shared():
    branchless = Caller("usr_nuru", ORG, "counselor", None)
    session = SessionParties(ORG, None, WANJIRU.user_id, AMINA.user_id)

    assert not may_read_notes(branchless, session, shared_with(branchless))


def test_the_admin_of_another_branch_cannot_read_notes():
    assert not may_read_notes(SOUTH_ADMIN, SESSION, never_asked)


@who(OTHER_ORGANIZATION)
def test_nobody_of_another_organization_reads_notes_even_when_shared(caller):
    assert not may_read_notes(caller, SESSION, shared_with(caller))


@who([AMINA, WANJIRU, KAMAU, NORTH_ADMIN, SOUTH_ADMIN, ORG_ADMIN, *OTHER_ORGANIZATION])
def test_the_sharing_list_is_read_only_for_a_colleagues_look_at_a_session_of_their_branch(caller):
    may_read_notes(caller, SESSION, never_asked)  # raises if asked


# Booking: for whom -------------------------------------------------------------------------------


@pytest.mark.parametrize("named", [None, "", AMINA.user_id], ids=["nobody", "empty", "themselves"])
def test_a_client_books_for_themselves(named):
    assert client_to_book_for(AMINA, named) == AMINA.user_id


def test_a_client_cannot_book_for_another_client():
    with pytest.raises(BookingForSomeoneElse):
        client_to_book_for(AMINA, BARAKA.user_id)


@who([WANJIRU, NORTH_ADMIN, ORG_ADMIN])
def test_staff_must_name_the_client_they_book_for(caller):
    with pytest.raises(ClientNotNamed):
        client_to_book_for(caller, None)

    assert client_to_book_for(caller, AMINA.user_id) == AMINA.user_id


def test_a_client_booking_for_themselves_passes_the_check():
    check_client_for_booking(AMINA, person(AMINA))


def test_a_client_cannot_book_for_anyone_else_found():
    with pytest.raises(BookingForSomeoneElse):
        check_client_for_booking(AMINA, person(BARAKA))


@who([WANJIRU, OTIENO, NORTH_ADMIN, ORG_ADMIN])
def test_staff_book_for_a_client_of_their_branch(caller):
    check_client_for_booking(caller, person(AMINA))


@who([WANJIRU, KAMAU, NORTH_ADMIN, SOUTH_ADMIN, ORG_ADMIN])
def test_staff_book_for_a_client_of_no_branch_yet(caller):
    check_client_for_booking(caller, person(DUMA))


@who([WANJIRU, NORTH_ADMIN])
def test_staff_of_a_branch_cannot_book_for_a_client_of_another_branch(caller):
    with pytest.raises(ClientOfAnotherBranch):
        check_client_for_booking(caller, person(CHIKU))


def test_an_org_admin_books_for_a_client_of_any_branch():
    check_client_for_booking(ORG_ADMIN, person(CHIKU))


@who([WANJIRU, NORTH_ADMIN, ORG_ADMIN])
def test_staff_cannot_book_a_counselor_or_admin_as_the_client(caller):
    for staff in (OTIENO, SOUTH_ADMIN, ORG_ADMIN):
        with pytest.raises(NotAClient):
            check_client_for_booking(caller, person(staff))


@who([AMINA, WANJIRU, NORTH_ADMIN, ORG_ADMIN])
def test_nobody_books_for_a_client_of_another_organization(caller):
    with pytest.raises(OfAnotherOrganization):
        check_client_for_booking(caller, person(STRANGER_CLIENT))


# Booking: with whom ------------------------------------------------------------------------------


@who([AMINA, WANJIRU, OTIENO, NORTH_ADMIN, ORG_ADMIN])
def test_anyone_of_the_branch_books_with_a_counselor_of_the_branch(caller):
    check_counselor_for_booking(caller, person(WANJIRU))


@who([AMINA, CHIKU, ORG_ADMIN])
def test_clients_and_org_admins_book_with_a_counselor_of_any_branch(caller):
    check_counselor_for_booking(caller, person(KAMAU))


@who([WANJIRU, NORTH_ADMIN])
def test_staff_of_a_branch_cannot_book_with_a_counselor_of_another_branch(caller):
    with pytest.raises(CounselorOfAnotherBranch):
        check_counselor_for_booking(caller, person(KAMAU))


@who([AMINA, WANJIRU, NORTH_ADMIN, ORG_ADMIN])
def test_nobody_books_with_a_counselor_of_another_organization(caller):
    with pytest.raises(OfAnotherOrganization):
        check_counselor_for_booking(caller, person(STRANGER_COUNSELOR))


# Booking: any free counselor of a branch --------------------------------------------------------


@who([AMINA, WANJIRU, OTIENO, NORTH_ADMIN, ORG_ADMIN])
def test_anyone_of_the_branch_books_with_any_free_counselor_of_the_branch(caller):
    check_branch_for_booking(caller, NORTH)


@who([AMINA, CHIKU, DUMA, ORG_ADMIN])
def test_clients_and_org_admins_book_with_any_free_counselor_of_any_branch(caller):
    check_branch_for_booking(caller, SOUTH)


@who([WANJIRU, OTIENO, NORTH_ADMIN])
def test_staff_of_a_branch_cannot_book_with_any_free_counselor_of_another_branch(caller):
    with pytest.raises(CounselorOfAnotherBranch):
        check_branch_for_booking(caller, SOUTH)


def test_a_branch_admin_without_a_branch_books_with_no_branchs_counselors():
    homeless = Caller("usr_nobody", ORG, "branch_admin", None)
    with pytest.raises(CounselorOfAnotherBranch):
        check_branch_for_booking(homeless, NORTH)


# Listing sessions --------------------------------------------------------------------------------

NOTHING_ASKED = {"status": None, "counselor_id": None, "client_id": None}


@pytest.mark.parametrize(
    ("caller", "scope"),
    [
        (AMINA, {"org_id": ORG, "client_id": AMINA.user_id}),
        (WANJIRU, {"org_id": ORG, "counselor_id": WANJIRU.user_id}),
        (NORTH_ADMIN, {"org_id": ORG, "branch_id": NORTH}),
        (ORG_ADMIN, {"org_id": ORG}),
        (STRANGER_ORG_ADMIN, {"org_id": OTHER_ORG}),
    ],
    ids=["client", "counselor", "branch_admin", "org_admin", "org_admin_elsewhere"],
)
def test_each_role_lists_its_own_sessions_its_branchs_or_its_organizations(caller, scope):
    assert session_scope(caller, NOTHING_ASKED) == scope


def test_a_client_asking_for_another_clients_sessions_gets_none():
    assert session_scope(AMINA, {**NOTHING_ASKED, "client_id": BARAKA.user_id}) is None


def test_a_counselor_asking_for_a_colleagues_sessions_gets_none():
    assert session_scope(WANJIRU, {**NOTHING_ASKED, "counselor_id": OTIENO.user_id}) is None


def test_a_counselor_asking_for_one_clients_sessions_gets_theirs_with_that_client():
    scope = session_scope(WANJIRU, {**NOTHING_ASKED, "client_id": AMINA.user_id})

    assert scope == {"org_id": ORG, "counselor_id": WANJIRU.user_id, "client_id": AMINA.user_id}


def test_a_client_asking_for_their_own_sessions_by_status_gets_them():
    scope = session_scope(AMINA, {**NOTHING_ASKED, "status": "booked", "client_id": AMINA.user_id})

    assert scope == {"org_id": ORG, "client_id": AMINA.user_id, "status": "booked"}


def test_a_branch_admin_asking_for_a_counselor_of_another_branch_stays_in_their_branch():
    scope = session_scope(NORTH_ADMIN, {**NOTHING_ASKED, "counselor_id": KAMAU.user_id})

    assert scope == {"org_id": ORG, "branch_id": NORTH, "counselor_id": KAMAU.user_id}


def test_an_org_admin_narrows_the_list_to_a_counselor_and_a_status():
    scope = session_scope(ORG_ADMIN, {"status": "no_show", "counselor_id": KAMAU.user_id, "client_id": None})

    assert scope == {"org_id": ORG, "status": "no_show", "counselor_id": KAMAU.user_id}


@who([AMINA, WANJIRU, NORTH_ADMIN, ORG_ADMIN, *OTHER_ORGANIZATION])
def test_the_list_never_leaves_the_callers_organization(caller):
    scope = session_scope(caller, {**NOTHING_ASKED, "counselor_id": caller.user_id})

    assert scope is not None
    assert scope["org_id"] == caller.org_id


# Sharing a client's record -----------------------------------------------------------------------


@who([AMINA, NORTH_ADMIN, ORG_ADMIN])
def test_a_clients_record_is_shared_by_the_client_and_their_admins(caller):
    assert may_share_record(caller, person(AMINA))


@who([WANJIRU, OTIENO, KAMAU])
def test_no_counselor_shares_a_clients_record_not_even_the_clients_own(caller):
    assert not may_share_record(caller, person(AMINA))


@who([BARAKA, CHIKU])
def test_a_client_cannot_share_another_clients_record(caller):
    assert not may_share_record(caller, person(AMINA))


def test_the_admin_of_another_branch_cannot_share_a_clients_record():
    assert not may_share_record(SOUTH_ADMIN, person(AMINA))


def test_only_org_admins_and_the_client_share_the_record_of_a_client_of_no_branch():
    assert may_share_record(DUMA, person(DUMA))
    assert may_share_record(ORG_ADMIN, person(DUMA))
    assert not may_share_record(NORTH_ADMIN, person(DUMA))


@who(OTHER_ORGANIZATION)
def test_nobody_of_another_organization_shares_a_clients_record(caller):
    assert not may_share_record(caller, person(AMINA))


@who([WANJIRU, OTIENO])
def test_a_clients_record_is_shared_with_counselors_of_the_clients_branch(caller):
    assert may_share_with(person(AMINA), person(caller))


def test_a_clients_record_is_not_shared_with_a_counselor_of_another_branch():
    assert not may_share_with(person(AMINA), person(KAMAU))
    assert not may_share_with(person(CHIKU), person(WANJIRU))


@who([WANJIRU, KAMAU])
def test_the_record_of_a_client_of_no_branch_yet_is_shared_with_counselors_of_any_branch(caller):
    assert may_share_with(person(DUMA), person(caller))


@who([STRANGER_COUNSELOR, NORTH_ADMIN, BARAKA])
def test_a_clients_record_is_shared_with_counselors_of_the_organization_only(caller):
    assert not may_share_with(person(AMINA), person(caller))


# Joining -----------------------------------------------------------------------------------------


@who([AMINA, WANJIRU])
def test_the_client_and_the_counselor_join_their_session(caller):
    assert may_join(caller, SESSION)


@who([NORTH_ADMIN, ORG_ADMIN])
def test_admins_who_see_a_session_do_not_join_it(caller):
    assert can_see_session(caller, SESSION)
    assert not may_join(caller, SESSION)


@who([BARAKA, CHIKU, OTIENO, KAMAU, SOUTH_ADMIN, *OTHER_ORGANIZATION])
def test_nobody_else_joins_a_session(caller):
    assert not may_join(caller, SESSION)


# Completing and no-shows -------------------------------------------------------------------------


@who([WANJIRU, NORTH_ADMIN, ORG_ADMIN])
def test_the_sessions_counselor_and_its_admins_mark_it_completed_or_a_no_show(caller):
    assert may_settle(caller, SESSION)


@who([OTIENO, KAMAU])
def test_a_counselor_cannot_settle_a_colleagues_session(caller):
    assert not may_settle(caller, SESSION)


@who([AMINA, BARAKA])
def test_a_client_cannot_settle_a_session_not_even_their_own(caller):
    assert not may_settle(caller, SESSION)


def test_a_counselor_who_is_a_sessions_client_cannot_settle_it():
    """Someone booked as a client who is a counselor now sees the session, but is not its counselor."""
    booked_as_client = SessionParties(ORG, NORTH, WANJIRU.user_id, OTIENO.user_id)

    assert can_see_session(OTIENO, booked_as_client)
    assert not may_settle(OTIENO, booked_as_client)


def test_the_admin_of_another_branch_cannot_settle_a_session():
    assert not may_settle(SOUTH_ADMIN, SESSION)


@who(OTHER_ORGANIZATION)
def test_nobody_of_another_organization_settles_a_session(caller):
    assert not may_settle(caller, SESSION)


# Calendar feed -----------------------------------------------------------------------------------


def test_a_counselor_gets_their_own_calendar_feed():
    assert may_get_calendar_feed(WANJIRU, WANJIRU.user_id)


@who([OTIENO, KAMAU, NORTH_ADMIN, SOUTH_ADMIN, ORG_ADMIN, AMINA, *OTHER_ORGANIZATION])
def test_nobody_else_gets_a_counselors_calendar_feed_not_even_their_admins(caller):
    assert not may_get_calendar_feed(caller, WANJIRU.user_id)


# Policy and reports ------------------------------------------------------------------------------


def test_clients_keep_to_the_organizations_policy_when_they_change_a_session():
    assert bound_by_policy(AMINA)


@who([WANJIRU, NORTH_ADMIN, ORG_ADMIN])
def test_staff_change_sessions_regardless_of_the_policy(caller):
    assert not bound_by_policy(caller)


def test_an_org_admin_sees_every_branchs_report():
    assert may_see_branch_report(ORG_ADMIN, NORTH)
    assert may_see_branch_report(ORG_ADMIN, SOUTH)


def test_a_branch_admin_sees_only_their_own_branchs_report():
    assert may_see_branch_report(NORTH_ADMIN, NORTH)
    assert not may_see_branch_report(NORTH_ADMIN, SOUTH)


@who([WANJIRU, AMINA])
def test_counselors_and_clients_see_no_branch_report(caller):
    assert not may_see_branch_report(caller, NORTH)
