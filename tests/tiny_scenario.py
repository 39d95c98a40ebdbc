"""The tiny scenario the comparison and figure tests share: a line, a transfer, use."""

from __future__ import annotations

TEMPLATE = """\
scenario:
  name: tiny
  description: a tiny scenario
  start: 2022-01-01
  horizon_months: 36
  seed: 1
systems:
  missile: {{name: Missile, bill_of_materials: {{seeker: 1}}}}
suppliers:
  seeker_supplier: {{component: seeker, capacity: 40, lead_time_months: 3}}
lines:
  plant:
    system: missile
    capacity:
      - {{date: 2022-01-01, rate: 10}}
      - {{date: 2023-01-01, rate: 30}}
budgets:
  army: {{appropriations: {{fy2022: 100e6}}}}
contracts:
  lot_1:
    buyer: us_army
    system: missile
    quantity: 300
    total_value: 30e6
    award: 2022-02-01
    first_delivery_lag_months: 6
    account: army
stockpiles:
  army_missile: {{holder: us_army, system: missile, initial: 1000, objective: {objective}}}
  ally_missile: {{holder: ally, system: missile}}
demands:
  transfer_1: {{kind: transfer, system: missile, from: us_army, to: ally,
               date: 2022-03-15, quantity: 400}}
  training: {{kind: consumption, system: missile, holder: us_army, rate: 5}}
  war: {{kind: expenditure, system: missile, holder: ally, rate: 20}}
"""


def tiny_scenario(objective: int = 1000) -> str:
    """The tiny scenario as YAML, with the army stockpile's ``objective``."""
    return TEMPLATE.format(objective=objective)
