"""Mail backends: each a small class with ``async def send(message)``."""
