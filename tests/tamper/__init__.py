"""The tamper corpus of `netspec audit` (cases.py) and how a case is built (build.py)."""
