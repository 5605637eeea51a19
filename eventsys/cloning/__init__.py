"""Cloning an event with its agenda and speakers (above events, speakers and agenda)."""
