"""Helpers the tests and the bench scripts share (not part of the shipped packages)."""
