"""The pending-login store: bounded, expiring, and single use even under concurrency."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore

from accounts.attempts import ATTEMPT_LIFETIME, MAX_PENDING, Pending, remember, take
from accounts.session_keys import ATTEMPTS
from accounts.sgid.authorize import new_attempt
from tests.support.factories import make_config

pytestmark = pytest.mark.django_db

CONFIG = make_config(scopes="openid")
NOW = 1_000_000.0


def stored_attempt():
    session = SessionStore()
    pending = Pending(new_attempt(CONFIG, now=NOW), "/profile")
    remember(session, pending)
    session.save()
    return session.session_key, pending


def test_two_requests_racing_with_one_state_get_it_once():
    key, attempt = stored_attempt()
    first, second = SessionStore(key), SessionStore(key)
    # Both requests have read the session before either takes the attempt.
    assert first.get(ATTEMPTS) == second.get(ATTEMPTS)
    results = [take(first, attempt.state, NOW), take(second, attempt.state, NOW)]
    assert results.count(attempt) == 1
    assert results.count(None) == 1


def test_an_attempt_a_stale_save_brings_back_is_still_used_once():
    key, attempt = stored_attempt()
    session = SessionStore(key)
    snapshot = dict(session.load())
    assert take(session, attempt.state, NOW) == attempt
    session.update(snapshot)  # another request of this browser saves its older copy
    session.save()
    assert take(SessionStore(key), attempt.state, NOW) is None


def test_the_removal_is_saved_before_the_callback_goes_on():
    key, attempt = stored_attempt()
    take(SessionStore(key), attempt.state, NOW)
    assert take(SessionStore(key), attempt.state, NOW) is None


def test_an_attempt_lives_its_lifetime_and_no_longer():
    key, attempt = stored_attempt()
    assert take(SessionStore(key), attempt.state, NOW + ATTEMPT_LIFETIME) is None
    key, attempt = stored_attempt()
    assert take(SessionStore(key), attempt.state, NOW + ATTEMPT_LIFETIME - 1) == attempt


def test_pending_attempts_are_capped_oldest_first():
    session = SessionStore()
    attempts = [Pending(new_attempt(CONFIG, now=NOW + i), "/") for i in range(MAX_PENDING + 3)]
    for pending in attempts:
        remember(session, pending)
    now = attempts[-1].attempt.created_at
    assert [take(session, a.state, now) for a in attempts[:3]] == [None, None, None]
    assert take(session, attempts[3].state, now) == attempts[3]


def test_a_state_is_used_once_even_if_the_cache_loses_every_key():
    from django.core.cache import cache

    key, attempt = stored_attempt()
    session = SessionStore(key)
    snapshot = dict(session.load())
    assert take(session, attempt.state, NOW) == attempt
    # Redis restarts empty (or fails over, or evicts), and a stale save brings the attempt back.
    cache.clear()
    session.update(snapshot)
    session.save()
    assert take(SessionStore(key), attempt.state, NOW) is None


def test_a_visitor_s_session_lives_only_as_long_as_their_attempt():
    session = SessionStore()
    remember(session, Pending(new_attempt(CONFIG, now=NOW), "/"), signed_in=False)
    assert session.get_expiry_age() == ATTEMPT_LIFETIME
    signed_in = SessionStore()
    remember(signed_in, Pending(new_attempt(CONFIG, now=NOW), "/"), signed_in=True)
    assert signed_in.get_expiry_age() > ATTEMPT_LIFETIME


@pytest.mark.parametrize(("mode", "next_path"), [("page", "/profile"), ("json", "/app/#/profile")])
def test_a_login_filed_by_the_previous_release_still_finishes_after_a_deploy(mode, next_path):
    """The release before kept next and mode inside the attempt's own map."""
    attempt = new_attempt(CONFIG, now=NOW)
    session = SessionStore()
    old = {**attempt.to_dict(), "next_path": next_path, "mode": mode}
    session[ATTEMPTS] = {attempt.state: old}
    assert take(session, attempt.state, NOW) == Pending(attempt, next_path, mode)


def test_a_pending_login_round_trips_through_the_session_with_how_it_began():
    pending = Pending(new_attempt(CONFIG, now=NOW), "/app/#/profile", "json")
    session = SessionStore()
    remember(session, pending)
    assert take(session, pending.state, NOW) == pending
