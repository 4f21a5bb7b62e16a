package dev.sluice.cli.lineage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Received OpenLineage events and the lineage graph they describe, as a consumer (Marquez) builds it: a node per
 * dataset ({@code namespace/name}) and per job ({@code job:namespace/name}), an edge from each input to its job and
 * from the job to each output.
 */
record LineageEvents(List<JsonNode> all) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The events of a file transport's file, one JSON per line. */
    static LineageEvents readFile(Path file) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    events.add(JSON.readTree(line));
                }
            }
        }
        return new LineageEvents(events);
    }

    List<JsonNode> ofJob(String name) {
        return all.stream().filter(e -> e.path("job").path("name").asText().equals(name)).toList();
    }

    /** Event types of a job's events, in the order received. */
    List<String> types(String job) {
        return ofJob(job).stream().map(e -> e.path("eventType").asText()).toList();
    }

    /** The run ids of a job, in the order their first event was received. */
    List<String> runIds(String job) {
        return List.copyOf(new LinkedHashSet<>(ofJob(job).stream().map(e -> e.path("run").path("runId").asText()).toList()));
    }

    List<String> typesOfRun(String runId) {
        return all.stream().filter(e -> e.path("run").path("runId").asText().equals(runId))
                .map(e -> e.path("eventType").asText()).toList();
    }

    static String jobNode(JsonNode event) {
        return "job:" + event.path("job").path("namespace").asText() + "/" + event.path("job").path("name").asText();
    }

    static String datasetNode(JsonNode dataset) {
        return dataset.path("namespace").asText() + "/" + dataset.path("name").asText();
    }

    /** Directed edges: input dataset -> job -> output dataset, over every event. */
    Map<String, Set<String>> edges() {
        Map<String, Set<String>> edges = new HashMap<>();
        for (JsonNode e : all) {
            String job = jobNode(e);
            edges.computeIfAbsent(job, k -> new HashSet<>());
            e.path("inputs").forEach(d -> edges.computeIfAbsent(datasetNode(d), k -> new HashSet<>()).add(job));
            e.path("outputs").forEach(d -> {
                edges.get(job).add(datasetNode(d));
                edges.computeIfAbsent(datasetNode(d), k -> new HashSet<>());
            });
        }
        return edges;
    }

    /** The weakly connected components of the graph (each a set of nodes). */
    List<Set<String>> components() {
        Map<String, Set<String>> undirected = new HashMap<>();
        edges().forEach((from, tos) -> {
            undirected.computeIfAbsent(from, k -> new HashSet<>());
            for (String to : tos) {
                undirected.get(from).add(to);
                undirected.computeIfAbsent(to, k -> new HashSet<>()).add(from);
            }
        });
        List<Set<String>> components = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String start : undirected.keySet()) {
            if (!seen.add(start)) {
                continue;
            }
            Set<String> component = new HashSet<>(Set.of(start));
            List<String> todo = new ArrayList<>(List.of(start));
            while (!todo.isEmpty()) {
                for (String next : undirected.get(todo.remove(todo.size() - 1))) {
                    if (seen.add(next)) {
                        component.add(next);
                        todo.add(next);
                    }
                }
            }
            components.add(component);
        }
        return components;
    }

    /** The dataset as the last event of {@code job} that names it among its outputs (or inputs) describes it. */
    JsonNode dataset(String job, String side, String namespace, String name) {
        List<JsonNode> events = ofJob(job);
        for (int i = events.size() - 1; i >= 0; i--) {
            for (JsonNode d : events.get(i).path(side)) {
                if (d.path("namespace").asText().equals(namespace) && d.path("name").asText().equals(name)) {
                    return d;
                }
            }
        }
        throw new AssertionError(job + " never named " + namespace + "/" + name + " among its " + side);
    }
}
