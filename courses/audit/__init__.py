"""Who did what to whom, and when: an append-only log of actions taken on other people's records."""
