package dev.summarizer.training.data;

import java.nio.file.Path;
import java.util.List;

/** All the examples of one dataset file, with the columns they were read from and what was skipped. */
public record Dataset(List<SummarizationExample> examples, Columns columns, DatasetStats stats) {

    public Dataset {
        examples = List.copyOf(examples);
    }

    /** Reads the whole of {@code file}; see {@link ExampleReader} to stream a large one instead. */
    public static Dataset read(Path file, ColumnRequest request) {
        try (ExampleReader reader = ExampleReader.open(file, request)) {
            List<SummarizationExample> examples = reader.stream().toList();
            return new Dataset(examples, reader.columns(), reader.stats());
        }
    }

    public int size() {
        return examples.size();
    }
}
