package dev.summarizer.spark;

import dev.summarizer.generate.Summary;
import java.util.Arrays;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The columns a summarized row gains, after all of the input's: the summary, {@code token_ids} (the generated ids
 * after the decoder start token, up to and including EOS, as {@code summarize} writes them), {@code input_tokens},
 * {@code truncated}, and {@code error}, which is null unless the row could not be summarized (then the others are).
 */
public final class OutputColumns {
    public static final String TOKEN_IDS = "token_ids";
    public static final String INPUT_TOKENS = "input_tokens";
    public static final String TRUNCATED = "truncated";
    public static final String ERROR = "error";

    private OutputColumns() {}

    /** The input's schema with the added columns; an input that has one of their names already is refused. */
    static StructType schema(StructType input, String summaryColumn) {
        for (String name : new String[] {summaryColumn, TOKEN_IDS, INPUT_TOKENS, TRUNCATED, ERROR}) {
            if (Arrays.asList(input.fieldNames()).contains(name)) {
                throw new ColumnException("the input already has a column \"" + name + "\""
                        + (name.equals(summaryColumn) ? " (reference summaries?): choose another output column" : "")
                        + " (columns: " + String.join(", ", input.fieldNames()) + ")");
            }
        }
        return input
                .add(summaryColumn, DataTypes.StringType, true)
                .add(TOKEN_IDS, DataTypes.createArrayType(DataTypes.LongType, false), true)
                .add(INPUT_TOKENS, DataTypes.IntegerType, true)
                .add(TRUNCATED, DataTypes.BooleanType, true)
                .add(ERROR, DataTypes.StringType, true);
    }

    /** The index of the text column; it must exist and hold strings. */
    static int textIndex(StructType input, String textColumn) {
        if (!Arrays.asList(input.fieldNames()).contains(textColumn)) {
            throw new ColumnException("the input has no column \"" + textColumn + "\" (columns: "
                    + String.join(", ", input.fieldNames()) + ")");
        }
        StructField field = input.apply(textColumn);
        if (!field.dataType().equals(DataTypes.StringType)) {
            throw new ColumnException("column \"" + textColumn + "\" holds " + field.dataType().simpleString()
                    + ", not text");
        }
        return input.fieldIndex(textColumn);
    }

    /**
     * Where Spark's JSON and CSV readers put a line they could not parse (their default
     * {@code columnNameOfCorruptRecord}), when the input has that column.
     */
    static final String CORRUPT_RECORD = "_corrupt_record";

    static int corruptRecordIndex(StructType input) {
        return Arrays.asList(input.fieldNames()).contains(CORRUPT_RECORD)
                && input.apply(CORRUPT_RECORD).dataType().equals(DataTypes.StringType)
                ? input.fieldIndex(CORRUPT_RECORD) : -1;
    }

    /** The error of a row Spark could not parse: what it read, cut to one short line. */
    static String unreadable(String record) {
        String line = record.strip().replaceAll("\\s+", " ");
        return "the input record could not be parsed: " + (line.length() > 60 ? line.substring(0, 60) + "..." : line);
    }

    static Row summarized(Row input, Summary summary) {
        Long[] ids = new Long[summary.tokenIds().length];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = summary.tokenIds()[i];
        }
        return withAdded(input, summary.text(), ids, summary.inputTokens(), summary.truncated(), null);
    }

    static Row failed(Row input, String error) {
        return withAdded(input, null, null, null, null, error);
    }

    private static Row withAdded(Row input, Object... added) {
        Object[] values = new Object[input.size() + added.length];
        for (int i = 0; i < input.size(); i++) {
            values[i] = input.get(i);
        }
        System.arraycopy(added, 0, values, input.size(), added.length);
        return RowFactory.create(values);
    }
}
