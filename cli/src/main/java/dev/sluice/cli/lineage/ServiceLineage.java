package dev.sluice.cli.lineage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.cli.config.ServiceConfig;
import dev.sluice.schemas.registry.RestSchemaRegistryClient;
import dev.sluice.schemas.registry.SchemaRegistryClient;
import dev.sluice.schemas.registry.SchemaRegistryConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The OpenLineage runs of one service process: one run per job, START when the service runs, RUNNING every
 * {@link LineageSettings#runningInterval()} (with {@code sluice_progress} where the job knows its frontier),
 * COMPLETE when it stops cleanly ({@link #close}), FAIL with an {@code errorMessage} facet when a stage failed
 * ({@link #fail}). Exactly one of COMPLETE and FAIL ends each run, and nothing follows it. A process that is killed
 * sends neither: its next start is a new run of the same jobs (docs/lineage.md). Sending never blocks a stage's
 * threads (events go from this object's own thread or the stopping one) and never throws.
 */
public final class ServiceLineage implements AutoCloseable {

    /** A registry that does not answer at once leaves the schema facets out of this event, not the event. */
    public static final Duration REGISTRY_RETRY = Duration.ofSeconds(1);
    private static final ServiceLineage OFF = new ServiceLineage(null, null, List.of(), null, null, Clock.systemUTC());

    private final LineageSettings settings;
    private final TopicCatalog catalog;
    private final Map<JobLineage, UUID> runs = new LinkedHashMap<>();
    private final LineageTransport transport;
    private final AutoCloseable owned;
    private final Clock clock;
    private ScheduledExecutorService timer;
    private boolean ended;

    ServiceLineage(LineageSettings settings, TopicCatalog catalog, List<JobLineage> jobs, LineageTransport transport,
                   AutoCloseable owned, Clock clock) {
        this.settings = settings;
        this.catalog = catalog;
        this.transport = transport;
        this.owned = owned;
        this.clock = clock;
        jobs.forEach(job -> runs.put(job, RunEvent.newRunId(clock.instant())));
    }

    /** Lineage that is off: every call does nothing. */
    public static ServiceLineage off() {
        return OFF;
    }

    /**
     * Starts the runs of {@code jobs}: sends START for each and schedules RUNNING. Nothing when {@code settings} is
     * empty.
     *
     * @param kafka    Kafka client settings (bootstrap.servers and security) to list topics with
     * @param registry where topics' schemas are read (may be null: no schema facets)
     */
    public static ServiceLineage start(Optional<LineageSettings> settings, Map<String, ?> kafka,
                                       SchemaRegistryClient registry, List<JobLineage> jobs) {
        if (settings.isEmpty()) {
            return OFF;
        }
        Map<String, Object> admin = new HashMap<>(kafka);
        admin.put(AdminClientConfig.CLIENT_ID_CONFIG, "sluice-lineage");
        Admin client = Admin.create(admin);
        TopicCatalog catalog = new TopicCatalog(String.valueOf(kafka.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)),
                client, registry);
        ServiceLineage lineage = new ServiceLineage(settings.get(), catalog, jobs, settings.get().transport(), client,
                Clock.systemUTC());
        lineage.begin();
        return lineage;
    }

    /** As {@link #start(Optional, Map, SchemaRegistryClient, List)} for a service loaded from {@code sluice.yaml}. */
    public static ServiceLineage start(ServiceConfig config, List<JobLineage> jobs) {
        Optional<LineageSettings> settings = LineageSettings.from(config);
        if (settings.isEmpty()) {
            return OFF;
        }
        return start(settings, config.kafka(), new RestSchemaRegistryClient(config.registryUrl(), REGISTRY_RETRY,
                SchemaRegistryConfig.accessFrom(config.registryAccess(true))), jobs);
    }

    void begin() {
        emitAll(RunEvent.Type.START, null);
        long every = settings.runningInterval().toMillis();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-lineage");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(() -> emitAll(RunEvent.Type.RUNNING, null), every, every, TimeUnit.MILLISECONDS);
    }

    /** Ends every run with FAIL: {@code message} is the one sentence the service stopped with. */
    public void fail(String message, Throwable cause) {
        if (settings != null) {
            end(RunEvent.Type.FAIL, Facets.errorMessage(message, cause));
        }
    }

    /** Ends every run with COMPLETE unless it failed. */
    @Override
    public void close() {
        if (settings != null) {
            end(RunEvent.Type.COMPLETE, null);
        }
    }

    private void end(RunEvent.Type type, ObjectNode error) {
        synchronized (this) {
            if (ended) {
                return;
            }
            emitAll(type, error);
            ended = true;
        }
        if (timer != null) {
            timer.shutdownNow();
        }
        try {
            owned.close();
            transport.close();
        } catch (Exception ignored) {
            // stopping: nothing to report it to
        }
    }

    private synchronized void emitAll(RunEvent.Type type, ObjectNode error) {
        if (ended) {
            return;
        }
        catalog.refresh();
        Instant now = clock.instant();
        runs.forEach((job, runId) -> {
            try {
                transport.send(event(job, runId, type, now, error));
            } catch (RuntimeException e) {
                // a job that cannot describe itself now is described at the next event
            }
        });
    }

    ObjectNode event(JobLineage job, UUID runId, RunEvent.Type type, Instant now, ObjectNode error) {
        ObjectNode runFacets = Facets.object();
        List<Dataset> inputs = job.inputs(catalog);
        List<Dataset> outputs = job.outputs(catalog);
        if (error != null) {
            runFacets.set("errorMessage", error);
        }
        if (type == RunEvent.Type.RUNNING || type == RunEvent.Type.COMPLETE) {
            job.progress().ifPresent(p -> runFacets.set(Facets.PROGRESS, p));
        }
        ObjectNode jobFacets = Facets.object();
        jobFacets.set("jobType", Facets.jobType(job.type()));
        return RunEvent.of(type, now, runId, settings.namespace(), job.name(), runFacets, jobFacets, inputs, outputs);
    }

    /** Where events go, for the start banner; empty when lineage is off. */
    public Optional<String> describe() {
        return settings == null ? Optional.empty() : Optional.of(settings.describe());
    }
}
