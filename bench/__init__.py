"""The performance benchmark (`make bench`) and the Lighthouse audit (`make audit`).

Run from the repository root; never collected by pytest (tests/ is its only test path).
"""
