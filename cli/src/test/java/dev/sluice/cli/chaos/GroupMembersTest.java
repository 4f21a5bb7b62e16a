package dev.sluice.cli.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GroupMembersTest {

    @Test
    void streamThreadsOfOneProcessAreOneInstance() {
        String a = "sluice-replica-f8c7fa2a-1fbf-4818-81ee-9c15d53cb3cc-StreamThread-";
        String b = "sluice-replica-d15ab025-eb23-4c30-ac79-081230bd09fd-StreamThread-";
        assertThat(GroupMembers.count(List.of(a + "1-consumer", a + "2-consumer", b + "1-consumer"))).isEqualTo(2);
    }

    @Test
    void otherConsumersCountOneEachEvenWithTheSameClientId() {
        // two standalone workers run the same connector: their sink tasks share client id and group
        assertThat(GroupMembers.count(List.of("connector-consumer-sluice-warehouse-0", "connector-consumer-sluice-warehouse-0")))
                .isEqualTo(2);
        assertThat(GroupMembers.count(List.of())).isZero();
    }
}
