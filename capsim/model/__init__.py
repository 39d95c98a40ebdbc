"""The simulation model: SimPy processes and the state they act on. Never reads files."""
