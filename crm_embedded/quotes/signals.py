"""The quote room's events for the other CRM rooms (pipeline, activities, follow-ups)."""

from django.dispatch import Signal

# Sent with send_robust after a quote changes state, on commit.
# Arguments: quote_id (int), from_state (str), to_state (str), by_user_id (int | None).
quote_state_changed = Signal()
