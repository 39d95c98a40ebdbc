"""``python -m tests.fuzz --n 10000``: see :mod:`tests.fuzz.campaign`."""

from tests.fuzz.campaign import main

if __name__ == "__main__":
    raise SystemExit(main())
