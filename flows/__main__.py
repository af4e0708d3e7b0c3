"""`python -m flows …`: see `flows.cli`."""

import sys

from flows.cli import main

if __name__ == "__main__":
    sys.exit(main())
