"""Stockpiles: inventory of one system held by one holder."""

from __future__ import annotations

from capsim.model.records import Recorder
from capsim.scenario.demand import Stockpile


class StockpileState:
    """A holder's stock of a system; receives deliveries and transfers, serves demands."""

    def __init__(self, stockpile_id: str, spec: Stockpile, recorder: Recorder) -> None:
        self.id = stockpile_id
        self.holder = spec.holder
        self.system = spec.system
        self.objective = spec.objective
        self.stock = spec.initial
        self.backorders = 0
        """Units of backordered demand still owed by this stockpile."""
        new = recorder.new_series
        labels = (spec.system, spec.holder)
        self.stock_series = new("stockpile", stockpile_id, "stock", *labels)
        self.deliveries = new("stockpile", stockpile_id, "deliveries", *labels)
        self.transfers_in = new("stockpile", stockpile_id, "transfers_in", *labels)
        self.transfers_out = new("stockpile", stockpile_id, "transfers_out", *labels)
        self.demand = new("stockpile", stockpile_id, "demand", *labels)
        self.served = new("stockpile", stockpile_id, "served", *labels)
        self.unmet = new("stockpile", stockpile_id, "unmet", *labels)
        self.backorder_series = new("stockpile", stockpile_id, "backorders", *labels)

    def receive_delivery(self, month: int, quantity: int) -> None:
        """Add units delivered by a line."""
        self.stock += quantity
        self.deliveries[month] += quantity

    def close_month(self, month: int) -> None:
        """Record the end-of-month stock and backorders."""
        self.stock_series[month] = self.stock
        self.backorder_series[month] = self.backorders
