"""cli — the ``govreport`` command, one module per command group, assembled here with plain imports.

``main`` is the console-script entry point (``govreport.cli:main``).
"""

from .contracts import contracts
from .evidence import evidence, signoff
from .main import cli, main
from .publish import publish
from .render import render
from .schedule import schedule
from .templates import templates

cli.add_command(contracts)
cli.add_command(evidence)
cli.add_command(signoff)
cli.add_command(schedule)
cli.add_command(publish)
cli.add_command(templates)
cli.add_command(render)

__all__ = ["cli", "main"]
