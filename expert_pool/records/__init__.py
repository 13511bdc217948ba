"""What happens after the session: attendance, assessment, year records and sanctions."""
