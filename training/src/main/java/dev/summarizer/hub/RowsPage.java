package dev.summarizer.hub;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One page of the dataset viewer's {@code /rows}: {@code {"features": [...], "rows": [{"row_idx", "row",
 * "truncated_cells"}], "num_rows_total", "num_rows_per_page", "partial"}}, at most 100 rows. {@code partial}
 * says the viewer reads only the first part of a split too large for it.
 */
public record RowsPage(List<Row> rows, long total, boolean partial) {
    public record Row(long index, JsonNode fields) {}

    /** The most rows one request may ask for. */
    public static final int MAX_LENGTH = 100;

    public RowsPage {
        rows = List.copyOf(rows);
    }

    public static RowsPage parse(JsonNode json, String what) {
        if (!json.path("rows").isArray() || !json.path("num_rows_total").canConvertToLong()) {
            throw new HubException(what + ": the dataset viewer answered /rows without rows and num_rows_total");
        }
        List<Row> rows = new ArrayList<>();
        for (JsonNode row : json.get("rows")) {
            if (!row.path("row").isObject()) {
                throw new HubException(what + ": a row of the dataset viewer's answer has no \"row\" object");
            }
            rows.add(new Row(row.path("row_idx").asLong(-1), row.get("row")));
        }
        return new RowsPage(rows, json.get("num_rows_total").asLong(), json.path("partial").asBoolean(false));
    }
}
