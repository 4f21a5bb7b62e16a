package dev.sluice.cli.lineage;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Builds one OpenLineage RunEvent (spec 2-0-2) as JSON. */
public final class RunEvent {

    /** The run states Sluice reports. */
    public enum Type { START, RUNNING, COMPLETE, FAIL }

    private static final SecureRandom RANDOM = new SecureRandom();

    private RunEvent() {
    }

    /**
     * @param runFacets  facets of the run (errorMessage, sluice_progress), may be empty
     * @param jobFacets  facets of the job (jobType), may be empty
     */
    public static ObjectNode of(Type type, Instant time, UUID runId, String jobNamespace, String jobName,
                                ObjectNode runFacets, ObjectNode jobFacets, List<Dataset> inputs, List<Dataset> outputs) {
        ObjectNode e = Facets.object();
        e.put("eventType", type.name());
        e.put("eventTime", time.toString());
        e.put("producer", Facets.PRODUCER);
        e.put("schemaURL", Facets.RUN_EVENT_SCHEMA);
        ObjectNode run = e.putObject("run");
        run.put("runId", runId.toString());
        run.set("facets", runFacets == null ? Facets.object() : runFacets);
        ObjectNode job = e.putObject("job");
        job.put("namespace", jobNamespace);
        job.put("name", jobName);
        job.set("facets", jobFacets == null ? Facets.object() : jobFacets);
        e.set("inputs", datasets(inputs));
        e.set("outputs", datasets(outputs));
        return e;
    }

    private static ArrayNode datasets(List<Dataset> datasets) {
        ArrayNode a = Facets.JSON.createArrayNode();
        for (Dataset d : datasets) {
            ObjectNode o = a.addObject();
            o.put("namespace", d.namespace());
            o.put("name", d.name());
            o.set("facets", d.facets());
        }
        return a;
    }

    /** A time-ordered UUID (version 7), as the spec recommends for run ids. */
    public static UUID newRunId(Instant now) {
        long millis = now.toEpochMilli();
        long high = (millis << 16) | 0x7000L | (RANDOM.nextInt() & 0x0FFFL);
        long low = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low);
    }
}
