package dev.sluice.sink.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RefusedRowsTest {

    private static final SQLException CHECK = new SQLException("new row violates check constraint", "23514");
    private final List<List<Integer>> trials = new ArrayList<>();

    /** A warehouse that refuses the given rows: a trial containing any of them fails with a check violation. */
    private RefusedRows.Trial<Integer> refusing(Set<Integer> bad) {
        return rows -> {
            trials.add(List.copyOf(rows));
            for (Integer row : rows) {
                if (bad.contains(row)) {
                    throw new SQLException("row " + row + " violates check constraint", "23514");
                }
            }
        };
    }

    private static List<Integer> rows(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    @Test
    void oneRefusedRowIsFoundAloneInLogarithmicallyManyTrials() throws SQLException {
        Map<Integer, SQLException> refused = RefusedRows.find(rows(1000), CHECK, refusing(Set.of(637)), WarehouseFailure.STANDARD);

        assertThat(refused).containsOnlyKeys(637);
        assertThat((Throwable) refused.get(637)).hasMessageContaining("row 637");
        assertThat(trials).hasSizeLessThanOrEqualTo(2 * 10);
    }

    @Test
    void severalRefusedRowsAreEachFoundAndEveryOtherRowPassesATrial() throws SQLException {
        Set<Integer> bad = Set.of(0, 5, 6, 99);

        Map<Integer, SQLException> refused = RefusedRows.find(rows(100), CHECK, refusing(bad), WarehouseFailure.STANDARD);

        assertThat(refused.keySet()).containsExactly(0, 5, 6, 99);
        List<Integer> passed = trials.stream().filter(t -> t.stream().noneMatch(bad::contains)).flatMap(List::stream).toList();
        assertThat(passed).containsExactlyInAnyOrderElementsOf(rows(100).stream().filter(r -> !bad.contains(r)).toList());
    }

    @Test
    void aSingleFailedRowIsRefusedWithoutATrial() throws SQLException {
        assertThat(RefusedRows.find(List.of(7), CHECK, refusing(Set.of()), WarehouseFailure.STANDARD)).containsOnlyKeys(7);
        assertThat(trials).isEmpty();
    }

    @Test
    void rowsRefusedOnlyTogetherAreNotBlamedOnAnyOne() throws SQLException {
        assertThat(RefusedRows.find(rows(8), CHECK, refusing(Set.of()), WarehouseFailure.STANDARD)).isEmpty();
    }

    @Test
    void anOutageDuringTheSearchIsRethrownNotDeadLettered() {
        SQLException lost = new SQLException("An I/O error occurred while sending to the backend.", "08006");
        RefusedRows.Trial<Integer> down = rows -> {
            throw lost;
        };

        assertThatThrownBy(() -> RefusedRows.find(rows(4), CHECK, down, WarehouseFailure.STANDARD)).isSameAs(lost);
    }

    @Test
    void twoTasksCreatingOneTableAtOnceIsRetriedNotRefused() {
        assertThat(WarehouseFailure.STANDARD.isRefusal(new SQLException("ERROR: duplicate key value violates unique "
                + "constraint \"pg_type_typname_nsp_index\"", "23505"))).isFalse();
        assertThat(WarehouseFailure.STANDARD.isRefusal(new SQLException("ERROR: duplicate key value violates unique "
                + "constraint \"orders_email_key\"", "23505"))).isTrue();
    }

    @Test
    void dataErrorsAreRefusalsAndConnectionErrorsAreNot() {
        assertThat(WarehouseFailure.STANDARD.isRefusal(new SQLException("value too long", "22001"))).isTrue();
        assertThat(WarehouseFailure.STANDARD.isRefusal(new SQLException("null value violates not-null", "23502"))).isTrue();
        assertThat(WarehouseFailure.STANDARD.isRefusal(
                new SQLException("Constraint Error: CHECK constraint failed on table orders"))).isTrue();
        assertThat(WarehouseFailure.STANDARD.isRefusal(
                new SQLException("Conversion Error: Could not convert string 'x' to INT32"))).isTrue();
        assertThat(WarehouseFailure.STANDARD.isRefusal(new SQLException("Connection refused", "08001"))).isFalse();
        assertThat(WarehouseFailure.STANDARD.isRefusal(new SQLException("terminating connection", "57P01"))).isFalse();
        assertThat(WarehouseFailure.STANDARD.isRefusal(new SQLException("IO Error: Could not set lock on file"))).isFalse();
    }
}
