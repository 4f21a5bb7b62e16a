package dev.sluice.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cli.config.Section;
import dev.sluice.cli.config.ServiceConfig;
import dev.sluice.cli.service.ConnectCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** history.tables reaches the sink connector from the config file, and --history is read as a list. */
class HistoryTablesSettingTest {
    @TempDir
    Path dir;

    @Test
    void historyTablesFromTheConfigFileReachTheSinkConnector() throws Exception {
        Path file = Files.writeString(dir.resolve("sluice.yaml"), """
                kafka:
                  bootstrap.servers: k:9092
                connect:
                  warehouse: jdbc:duckdb:/tmp/w.duckdb
                  history.tables: [orders, customers]
                """);
        ServiceConfig c = ServiceConfig.load(file, Map.of(), Map.of(), List.of(Section.CONNECT));
        WarehouseTarget target = WarehouseTarget.parse(c.get(Section.CONNECT).getString("warehouse"), dir.resolve("w.duckdb"))
                .withHistory(c.get(Section.CONNECT).getList("history.tables"));
        assertThat(SinkConnectorConfig.forWarehouse(target, "http://r:8081")).containsEntry("history.tables", "orders,customers");
        assertThat(SinkConnectorConfig.forWarehouse(target.withHistory(List.of()), "http://r:8081"))
                .doesNotContainKey("history.tables");
    }

    @Test
    void historyFlagTakesACommaSeparatedList() {
        CommandLine.ParseResult connect = new CommandLine(new ConnectCommand())
                .parseArgs("--history", "orders,customers", "--history", "order_items");
        CommandLine.ParseResult local = new CommandLine(new LocalCommand()).parseArgs("--history", "orders");
        assertThat(connect.<List<String>>matchedOptionValue("--history", List.of()))
                .containsExactly("orders", "customers", "order_items");
        assertThat(local.<List<String>>matchedOptionValue("--history", List.of())).containsExactly("orders");
    }
}
