"""hairmatte training: data, models, loss, recipe, export and evaluation (see training/README.md)."""
