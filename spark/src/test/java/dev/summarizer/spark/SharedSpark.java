package dev.summarizer.spark;

import org.apache.spark.sql.SparkSession;

/** The one local[2] session this module's tests share (a session takes seconds to start). */
public final class SharedSpark {
    private static SparkSession session;

    private SharedSpark() {}

    public static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder().master("local[2]").appName("summarizer-spark tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "4")
                    .getOrCreate();
        }
        return session;
    }
}
