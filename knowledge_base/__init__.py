"""The knowledge base (plan item 1.2): guides that methodologists publish for school staff."""
