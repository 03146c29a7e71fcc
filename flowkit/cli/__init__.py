"""The command line: one module per group of commands; main.py is the error boundary."""
