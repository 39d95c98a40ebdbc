"""What a scenario is: typed, frozen pydantic models of its lines, suppliers, contracts.

The models, their cross-element checks (:mod:`~capsim.scenario.references`) and the small
error value types those checks return (:mod:`~capsim.scenario.errors`: ``Problem``,
``DataPath``, ``ScenarioError``) live here. Reading files, resolving ``extends:`` and
locating problems in the text is :mod:`capsim.scenario_files`, which builds on this package;
the one way back is :meth:`Scenario.with_values`, which validates again through the loader.
"""

from capsim.scenario.schema import MAX_HORIZON_MONTHS, Header, Scenario

__all__ = ["MAX_HORIZON_MONTHS", "Header", "Scenario"]
