"""Reference tables shipped with sanctrace (CHPL tiers, legal forms, aliases, weights), read as package data."""
