"""postmortem-assist."""
