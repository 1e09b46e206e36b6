"""`python -m firstfile` runs the command line."""

from firstfile.cli import main

main()
