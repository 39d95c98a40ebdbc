"""``python -m tests.fuzz --n 10000``: see :mod:`tests.fuzz.campaign`."""

from tests.fuzz.campaign import main

raise SystemExit(main())
