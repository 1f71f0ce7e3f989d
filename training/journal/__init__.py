"""The gradebook and diary sandbox where teachers practise daily entry of marks (plan item 2.4)."""
