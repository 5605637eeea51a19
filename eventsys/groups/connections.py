"""How working groups react to registration (below them, which may not import groups):
a cancelled registration frees its places, a confirmed one that changes mode takes its
places along. Called in registration's transaction, before its commit. Imported by
create_app (eventsys.HOOK_MODULES)."""
from __future__ import annotations

from eventsys.groups.choice import follow_mode_change, release_memberships
from eventsys.registration import services as registration

registration.on_cancel(release_memberships)
registration.on_mode_change(follow_mode_change)
