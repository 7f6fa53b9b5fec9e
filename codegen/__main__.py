"""``python -m ivk_codegen``, as the ``ivk-codegen`` command."""

import sys

from .cli import main

sys.exit(main())
