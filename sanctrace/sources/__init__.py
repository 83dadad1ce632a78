"""Readers of outside formats: CSV contracts, sales ledgers, FollowTheMoney entities, sanctions lists."""
