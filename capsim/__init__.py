"""capsim: simulate defense-industrial capacity, contract funding and stockpiles."""
