"""Published report (PDF, DOCX or text) → draft data package; first layer: extract.py."""
