"""What people read: the report, the web maps and the decision letters."""
