"""Numerical solvers over the domain's plain data (see docs/ARCHITECTURE.md).

The domain states a problem in plain numbers; a module here hands it to a well-kept solver
and turns the answer back into domain data. Solver libraries are imported inside the functions
that use them, so nothing here slows the start of the program.
"""
