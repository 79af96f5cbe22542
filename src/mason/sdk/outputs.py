"""Safe overwrites: what a writer with ``overwrite: true`` may replace (only a
previous output of the same format; never a root, home, working directory,
MASON_HOME or an input of the job), and the lock that keeps two writers of one
output apart. Every writer calls these before it replaces anything."""

from mason_core.outputs import (
    FORMAT_EXTENSIONS,
    LOCK_PREFIX,
    OutputBusyError,
    OutputRefusedError,
    check_dataset,
    check_local_overwrite,
    check_not_input,
    check_not_protected,
    check_single_file,
    extensions_for,
    foreign_entry,
    is_data_file_of,
    local_protected,
    output_lock,
)

__all__ = [
    "FORMAT_EXTENSIONS",
    "LOCK_PREFIX",
    "OutputBusyError",
    "OutputRefusedError",
    "check_dataset",
    "check_local_overwrite",
    "check_not_input",
    "check_not_protected",
    "check_single_file",
    "extensions_for",
    "foreign_entry",
    "is_data_file_of",
    "local_protected",
    "output_lock",
]
