"""What the site keeps in a signed-in person's session."""

from __future__ import annotations

# {"sub": ..., "data": {scope: text}}: the consented data, kept here only.
PROFILE_SESSION_KEY = "sgid_profile"
