"""The commands, one module per family; each module owns a `typer.Typer()` the app adds."""
