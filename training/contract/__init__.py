"""Python twins of the runtime's contract code (src/core): what ../shared/DESIGN.md defines,
implemented once more for training and evaluation, and held to the TypeScript by golden vectors."""
