"""ivk-codegen: typed Python modules from exported InvokeAI workflows."""

__version__ = "0.1.0"
