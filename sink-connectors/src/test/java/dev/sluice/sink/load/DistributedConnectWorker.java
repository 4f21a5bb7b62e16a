package dev.sluice.sink.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.embedded.PortCheck;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.cli.ConnectDistributed;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.distributed.DistributedHerder;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;

/**
 * One real Kafka Connect worker in distributed mode, in this JVM: workers started with the same group id form a
 * cluster that shares connector configs, offsets and status through Kafka topics and rebalances tasks among its
 * members. Consumers read read_committed; a departed worker's tasks move at once (no scheduled rebalance delay).
 */
public final class DistributedConnectWorker implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final Connect<DistributedHerder> connect;
    private final String restUrl;

    private DistributedConnectWorker(Connect<DistributedHerder> connect, String restUrl) {
        this.connect = connect;
        this.restUrl = restUrl;
    }

    public static DistributedConnectWorker start(String bootstrapServers, String groupId, Map<String, String> overrides) {
        int port = PortCheck.freePort();
        Map<String, String> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("group.id", groupId);
        props.put("config.storage.topic", groupId + "-configs");
        props.put("offset.storage.topic", groupId + "-offsets");
        props.put("status.storage.topic", groupId + "-status");
        props.put("config.storage.replication.factor", "1");
        props.put("offset.storage.replication.factor", "1");
        props.put("status.storage.replication.factor", "1");
        props.put("offset.storage.partitions", "5");
        props.put("status.storage.partitions", "1");
        props.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("listeners", "http://localhost:" + port);
        props.put("rest.advertised.host.name", "localhost");
        props.put("plugin.discovery", "service_load");
        props.put("connector.client.config.override.policy", "All");
        props.put("consumer.isolation.level", "read_committed");
        props.put("consumer.auto.offset.reset", "earliest");
        props.put("offset.flush.interval.ms", "300");
        props.put("scheduled.rebalance.max.delay.ms", "0");
        props.put("task.shutdown.graceful.timeout.ms", "10000");
        props.putAll(overrides);
        Connect<DistributedHerder> connect = new ConnectDistributed().startConnect(props);
        return new DistributedConnectWorker(connect, "http://localhost:" + port);
    }

    /** Creates or replaces a connector through this worker's REST API, which forwards to the cluster's leader. */
    public void putConnector(String name, Map<String, String> config) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(restUrl + "/connectors/" + name + "/config"))
                    .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(config))).build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException("Connect refused connector " + name + ": " + response.statusCode() + " "
                        + response.body());
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Cannot reach the Connect REST API at " + restUrl, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The cluster-wide status (read from the status topic), as this worker sees it. */
    public ConnectorStateInfo status(String name) {
        return connect.herder().connectorStatus(name);
    }

    /** The worker id tasks report in their status: the advertised REST host and port. */
    public String workerId() {
        return restUrl.substring("http://".length());
    }

    @Override
    public void close() {
        connect.stop();
        connect.awaitStop();
    }
}
