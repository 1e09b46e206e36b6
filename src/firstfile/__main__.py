"""`python -m firstfile` runs the command line."""

from firstfile.cli import main

# The guard matters: the best split runs in a spawned child process, which imports the
# parent's main module again (as __mp_main__) and must not start the command line there.
if __name__ == "__main__":
    main()
