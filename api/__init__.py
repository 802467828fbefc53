"""The HTTP API (issue: API)."""
