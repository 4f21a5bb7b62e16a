package dev.sluice.sink.write;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the rows a warehouse refuses, each on its own, by bisection: a set of rows that failed is split in halves
 * and each half is tried (a trial write that is rolled back) until single rows remain. One bad row among n costs
 * about 2·log2(n) trials; the trials run only after a write failed, never on the happy path. A failure that is not
 * a refusal (an outage) ends the search and is rethrown, so the caller retries instead of dead-lettering.
 */
public final class RefusedRows {

    /** A trial write of some rows, always rolled back. */
    @FunctionalInterface
    public interface Trial<T> {
        void write(List<T> rows) throws SQLException;
    }

    private RefusedRows() {
    }

    /**
     * The rows of {@code failed} (which failed as a whole with {@code failure}) that the warehouse refuses alone, each
     * with the error it gave. Empty when every half passes on its own: the rows are then refused only together.
     *
     * @throws SQLException the first trial failure that {@code refusals} does not classify as a refusal
     */
    public static <T> Map<T, SQLException> find(List<T> failed, SQLException failure, Trial<T> trial,
                                                WarehouseFailure refusals) throws SQLException {
        Map<T, SQLException> refused = new LinkedHashMap<>();
        bisect(failed, failure, trial, refusals, refused);
        return refused;
    }

    private static <T> void bisect(List<T> rows, SQLException failure, Trial<T> trial, WarehouseFailure refusals,
                                   Map<T, SQLException> refused) throws SQLException {
        if (rows.size() == 1) {
            refused.put(rows.get(0), failure);
            return;
        }
        int half = rows.size() / 2;
        for (List<T> part : List.of(rows.subList(0, half), rows.subList(half, rows.size()))) {
            try {
                trial.write(part);
            } catch (SQLException e) {
                if (!refusals.isRefusal(e)) {
                    throw e;
                }
                bisect(part, e, trial, refusals, refused);
            }
        }
    }
}
