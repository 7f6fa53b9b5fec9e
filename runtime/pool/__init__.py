"""A pool of InvokeAI servers that runs like one client."""
