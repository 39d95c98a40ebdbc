"""Scenario files: reading YAML, resolving ``extends:``, validating with located errors.

Turns files (or plain data) into the typed models of :mod:`capsim.scenario`: the YAML
reader keeps each value's file, line and column; inheritance merges a scenario with its
parents; validation errors, uncertain inputs and parameter paths are reported in the
scenario's terms. The error value types (``Problem``, ``DataPath``, ``ScenarioError``) stay
in :mod:`capsim.scenario.errors`, because the schema's own cross-element checks return them.
"""
