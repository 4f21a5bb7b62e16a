package dev.sluice.cli.live;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReadOnlySqlTest {

    @Test
    void takesOneSelectOrWithStatement() {
        assertThat(ReadOnlySql.check("  select 1 ;; ")).isEqualTo("select 1");
        assertThat(ReadOnlySql.check("-- revenue\n/* per region */ (SELECT region FROM revenue)")).startsWith("--");
        assertThat(ReadOnlySql.check("WITH r AS (SELECT 1 AS x) SELECT x FROM r")).startsWith("WITH");
        // a semicolon inside a literal, a quoted identifier or a comment is not a second statement
        assertThat(ReadOnlySql.check("SELECT 'a;b', \"odd;name\" FROM t -- x;y\n")).contains("'a;b'");
        assertThat(ReadOnlySql.check("SELECT 'it''s; fine'")).contains("it''s");
    }

    @Test
    void refusesWritesWithASentence() {
        assertThatThrownBy(() -> ReadOnlySql.check("DELETE FROM orders"))
                .hasMessageContaining("only reads the warehouse").hasMessageContaining("'DELETE' is not one");
        assertThatThrownBy(() -> ReadOnlySql.check("/* SELECT */ drop table orders"))
                .hasMessageContaining("'DROP' is not one");
        assertThatThrownBy(() -> ReadOnlySql.check("COPY orders TO '/tmp/x.csv'")).hasMessageContaining("'COPY'");
    }

    @Test
    void refusesASecondStatement() {
        assertThatThrownBy(() -> ReadOnlySql.check("SELECT 1; DROP TABLE orders"))
                .hasMessage("The query box runs one statement at a time; remove the ';' at character 9 and what follows it.");
        assertThatThrownBy(() -> ReadOnlySql.check("SELECT ';'; DELETE FROM t")).hasMessageContaining("character 11");
    }

    @Test
    void refusesEmptyAndHugeText() {
        assertThatThrownBy(() -> ReadOnlySql.check(" \n")).hasMessageContaining("The query is empty");
        assertThatThrownBy(() -> ReadOnlySql.check("SELECT " + "1,".repeat(ReadOnlySql.MAX_LENGTH) + "1"))
                .hasMessageContaining("takes at most " + ReadOnlySql.MAX_LENGTH);
    }

    @Test
    void wrapsSoATrailingCommentCannotEatTheLimit() {
        assertThat(ReadOnlySql.wrap("SELECT 1 -- note", 10)).isEqualTo("SELECT * FROM (\nSELECT 1 -- note\n) AS query_box LIMIT 11");
    }
}
