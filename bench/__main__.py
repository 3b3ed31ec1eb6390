"""`python -m bench`: run the whole benchmark suite."""

import sys

from bench.run import main

sys.exit(main())
