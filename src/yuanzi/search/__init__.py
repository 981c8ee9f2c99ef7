"""Search (搜一搜): one Chinese search across every component."""
