"""The graph-browsing web page (issue: web page)."""
