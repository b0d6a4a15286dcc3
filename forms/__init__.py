"""The low-code part: form specs (specs/*.toml), their loader, validation of answers and their export."""
