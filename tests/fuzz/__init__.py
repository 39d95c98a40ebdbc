"""Fuzzing: mutated bundled scenarios must give a located error or a valid run."""
