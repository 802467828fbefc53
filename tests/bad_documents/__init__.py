"""The catalogue of malformed corpus inputs (``cases.py``) that ``tests/test_bad_documents.py`` builds."""
