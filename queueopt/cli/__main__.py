import sys

from queueopt.cli import main

sys.exit(main())
