"""What an event's participants receive: previews of every message the event sends, and
the event's own outbox for its team. Above registration, groups and feedback, whose mail
builders it calls."""
