"""A generated module's faces: its command line (``python -m my_wf``) and its MCP tool
(``python -m my_wf --mcp``). Loaded only when a module runs as a program."""
