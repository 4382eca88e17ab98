package dev.fovea.spark;

import org.apache.spark.sql.SparkSession;

/** One local SparkSession for every test class of this module (a JVM holds one SparkContext). */
final class LocalSpark {
    private static SparkSession session;

    private LocalSpark() {}

    static synchronized SparkSession get() {
        if (session == null) {
            session = SparkSession.builder().master("local[4]").appName("fovea-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.driver.host", "127.0.0.1")
                    .getOrCreate();
        }
        return session;
    }
}
