"""Example workflows of the standard bundle (registered by the plugin)."""
