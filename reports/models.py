"""Report models live here (附件1)."""
