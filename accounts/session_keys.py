"""Every key the site keeps in a person's Django session, in one place.

The values are Django-session JSON; each module that writes one reads it back defensively, since
a session written by an older release of the site can still be in flight after a deploy.
"""

from __future__ import annotations

# {state: {"attempt": {...}, "next": path, "mode": "page" | "json"}}: logins under way
# (attempts.py).
ATTEMPTS = "sgid_attempts"
# {state: next_path}: callbacks that completed, so a reloaded callback goes on to `next`.
COMPLETED = "sgid_completed"
# {"sub": ..., "data": {scope: text}}: the consented data, kept here only (signin.py).
PROFILE = "sgid_profile"
# {"code", "reference", "next", "mode"}: the last failed login, for /auth/failed (failures.py).
FAILURE = "sgid_failure"
# {"index": n, "fingerprint": hex}: the employment a public officer acts in (employment.py).
EMPLOYMENT = "sgid_employment"
