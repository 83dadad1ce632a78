"""Tracing: from what is printed on a recovered component (`markings`) to the lots, custody chains and the
point where the part left legitimate hands."""
