/**
 * Reading summarization datasets, in three layers: {@link dev.summarizer.training.data.RowReader} streams
 * the rows of a .csv, .tsv, .json or .jsonl file; {@link dev.summarizer.training.data.Columns} chooses the
 * text and summary columns (given, or recognised from a known dataset's column names); and
 * {@link dev.summarizer.training.data.ExampleReader} turns rows into
 * {@link dev.summarizer.training.data.SummarizationExample}s, counting the rows it skips in
 * {@link dev.summarizer.training.data.DatasetStats}. {@link dev.summarizer.training.data.Dataset#read} reads
 * a whole file at once.
 */
package dev.summarizer.training.data;
