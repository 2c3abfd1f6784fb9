"""Annotates a JSONL file (or folder) of articles on Spark; writes one claimlink/1 line per
article into OUTPUT, a folder of part files in the input's order.

    spark-submit --archives claimlink-env.tar.gz#environment spark_annotate.py INPUT OUTPUT

(see the README's Spark section for the archive and the settings).
"""

import sys

from pyspark.sql import SparkSession

import claimlink.spark


def main(source, destination):
    spark = SparkSession.builder.appName("claimlink").getOrCreate()
    articles = spark.read.json(source)  # id, text, and optionally title, url, published, source
    records = claimlink.spark.annotate(articles, text_col="text", id_col="id")
    records.select("record").write.mode("overwrite").text(destination)
    spark.stop()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: spark_annotate.py INPUT OUTPUT")
    main(sys.argv[1], sys.argv[2])
