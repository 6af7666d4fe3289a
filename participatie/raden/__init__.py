"""The councils' public website: home, council pages, meetings, what became of residents' input."""
