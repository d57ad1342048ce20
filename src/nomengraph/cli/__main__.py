"""``python -m nomengraph.cli``: the ``nomengraph`` command."""

import sys

from nomengraph.cli import main

sys.exit(main())
