"""Engine-neutral logic for tables made of files, shared by every storage client.

A local folder and an S3 prefix hold the same formats in the same hive-style
layout, so recognising formats, partitions, sampled schemas, reconciling many
files into one table and spelling it as Hive DDL is done once, here. Modules
work on type-name strings and rows; the few that need pyarrow import it inside
functions, so mason-core neither depends on it nor pays for it at import time.
"""
