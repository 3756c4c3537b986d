"""Complaint models live here."""
