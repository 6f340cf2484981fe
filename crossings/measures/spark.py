"""The Spark session the ``spark`` engine runs on, taken from the user's environment.

In order (docs/scaling.md):

1. the **active session** of the process (``SparkSession.getActiveSession()``):
   a job started with ``spark-submit``, or a notebook that made its own;
2. **Spark Connect** when ``SPARK_REMOTE`` is set (``sc://host:15002``): the
   queries run on that server, which must see the store (and, if shared,
   ``CROSSINGS_CACHE``) at the same paths;
3. else a **local** session made here. Its settings come from where Spark's
   own tools read them: ``$SPARK_CONF_DIR/spark-defaults.conf`` (or
   ``$SPARK_HOME/conf``) and ``PYSPARK_SUBMIT_ARGS``. Only a setting named
   there by none of these gets the defaults below: :data:`QUIET` (errors only
   in the log) and, when the master is local, :data:`LOCAL` (all cores; few
   shuffle partitions, as the counts grouped here are small; no web UI on a
   port). The console progress bar is always off (:data:`ALWAYS`): the library
   never prints.

Nothing here is imported unless the spark engine is asked for, so PySpark (the
``crossings[spark]`` extra) stays optional.
"""

from __future__ import annotations

import os

#: Defaults for any session made here, where the configuration names none.
QUIET = {
    "spark.app.name": "crossings",
    "spark.log.level": "ERROR",
}
#: Set on any session made here whatever the configuration says: the library never
#: prints (PySpark's launcher turns the console progress bar on for its shell).
ALWAYS = {"spark.ui.showConsoleProgress": "false"}
#: What PySpark's launcher sets by itself; a value equal to one of these was not
#: configured by the user, so this module's default replaces it.
LAUNCHER = {"spark.app.name": "pyspark-shell"}
#: Defaults for a local session made here (master ``local[*]``), where none is configured.
LOCAL = {
    "spark.master": "local[*]",
    "spark.sql.shuffle.partitions": "8",
    "spark.ui.enabled": "false",
}
#: What a missing Java gives (the JVM does not start); the engine turns it into a hint.
JAVA_HINT = ("install a Java 17+ runtime (Debian: apt-get install default-jre-headless) "
             "or set JAVA_HOME")


class SparkUnavailable(Exception):
    """PySpark is installed but no session could be made (no Java, a bad master...)."""


def session():
    """The active session, a Spark Connect session (``SPARK_REMOTE``), or a local one."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    remote = os.environ.get("SPARK_REMOTE")
    try:
        if remote:
            return SparkSession.builder.remote(remote).getOrCreate()
        return _local(SparkSession)
    except ImportError:
        raise
    except Exception as exc:  # PySpark's errors share no base class worth naming here
        first = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0]
        raise SparkUnavailable(f"{exc.__class__.__name__}: {first}") from None


def _local(spark_session):
    """A session configured by spark-defaults.conf / PYSPARK_SUBMIT_ARGS, with this
    module's defaults for what they leave unset."""
    from pyspark import SparkConf, SparkContext

    if SparkContext._active_spark_context is not None:
        # The process has Spark running already (active in another thread, which
        # getActiveSession does not see): use its session and change none of its settings.
        return spark_session.builder.getOrCreate()
    # Starts the JVM the way spark-submit does: it reads spark-defaults.conf and
    # PYSPARK_SUBMIT_ARGS into the properties SparkConf() then holds.
    SparkContext._ensure_initialized()
    conf = SparkConf()
    _set_missing(conf, QUIET)
    conf.setAll(ALWAYS.items())
    if conf.get("spark.master", LOCAL["spark.master"]).startswith("local"):
        _set_missing(conf, LOCAL)
    return spark_session.builder.config(conf=conf).getOrCreate()


def _set_missing(conf, defaults: dict[str, str]) -> None:
    for key, value in defaults.items():
        if not conf.contains(key) or conf.get(key) == LAUNCHER.get(key):
            conf.set(key, value)


def reads_local_paths(spark) -> bool:
    """Whether every Spark worker reads this process's local files (a local master),
    so a derived table cached on local disk can be read by path."""
    if os.environ.get("SPARK_REMOTE") or not hasattr(spark, "sparkContext"):
        return False
    try:
        return spark.sparkContext.master.startswith("local")
    except Exception:  # a Connect session has no SparkContext
        return False
