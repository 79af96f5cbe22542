"""The plugin SDK: everything a client or operator author builds on.

Mason's own plugins (mason-local, mason-aws, mason-spark, mason-operators-table)
import only from here and from :mod:`mason`; so can yours. ``mason_core`` is the
implementation behind it and may change in any release, as ``_pytest`` does
behind ``pytest``.

===========================  ====================================================
module                       what it holds
===========================  ====================================================
:mod:`mason.sdk.plugin`      ``hookimpl``, the ``register(...)`` protocols, ``import_object``
:mod:`mason.sdk.engines`     the engine base classes and their verbs
:mod:`mason.sdk.models`      canonical models (``Table``, ``Schema``, jobs...)
:mod:`mason.sdk.errors`      the error hierarchy and what each exit code means
:mod:`mason.sdk.secrets`     scrubbing secret values out of text
:mod:`mason.sdk.state`       atomic state files (JSON models written whole or not at all)
:mod:`mason.sdk.tabular`     table inference from files, type mapping, Hive DDL
:mod:`mason.sdk.progress`    progress reporting for long work
:mod:`mason.sdk.workflows`   the workflow step hook, plans, run records, cron
:mod:`mason.sdk.outputs`     what ``overwrite`` may replace; one writer per output
:mod:`mason.sdk.jobs`        job records, the one job-id scheme, process liveness
===========================  ====================================================

Importing this package imports none of its submodules: a plugin's entry-point
module stays as light as ``import mason``.
"""
