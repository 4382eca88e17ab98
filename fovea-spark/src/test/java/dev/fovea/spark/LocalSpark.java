package dev.fovea.spark;

import org.apache.spark.sql.SparkSession;

/** One local SparkSession for every test class of this module (a JVM holds one SparkContext). */
final class LocalSpark {
    private static SparkSession session;

    private LocalSpark() {}

    static SparkSession get() {
        return get("local[4]");
    }

    /** A session on {@code master}; one on another master is stopped first. */
    static synchronized SparkSession get(String master) {
        if (session != null && !session.sparkContext().master().equals(master)) {
            session.stop();
            session = null;
        }
        if (session == null) {
            session = SparkSession.builder().master(master).appName("fovea-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.driver.host", "127.0.0.1")
                    .getOrCreate();
        }
        return session;
    }

    /** Stops the shared session (if any), so that a test can connect to another master. */
    static synchronized void stop() {
        if (session != null) {
            session.stop();
            session = null;
        }
    }
}
