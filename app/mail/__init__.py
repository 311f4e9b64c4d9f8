"""Transactional e-mail: templates over a pluggable sender, delivered through a durable outbox."""
