"""The command line's shell: options declared once, the session, and the one printer."""
