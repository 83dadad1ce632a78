"""The operations the CLI, the API and batch jobs call. Each takes a Store (and the caller's clock)."""
