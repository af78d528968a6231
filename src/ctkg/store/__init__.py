"""Stage 7, triplestores: loading a release atomically, and ``ctkg serve`` with its guard.
"""
