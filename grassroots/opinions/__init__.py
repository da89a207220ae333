"""Opinion maps: where the people in a conversation differ, and what they agree on."""
