package dev.sluice.cli.spec;

import dev.sluice.schemas.registry.SchemaRegistryClient;
import dev.sluice.schemas.registry.SchemaRegistryException;
import dev.sluice.schemas.serde.GenericAvroSerde;
import dev.sluice.transforms.pipeline.PipelineTopology;
import dev.sluice.transforms.pipeline.spec.ColumnCheck;
import dev.sluice.transforms.pipeline.spec.PipelineSpec;
import dev.sluice.transforms.pipeline.spec.PipelineSpecParser;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.avro.Schema;

/**
 * The pipeline specs a user passes with {@code --spec}: YAML files, or directories whose {@code *.yaml} and
 * {@code *.yml} files (not recursive, in name order) are specs. Everything here runs before a service starts, so
 * a bad spec stops the command before anything is written: {@link #load} parses (the parser's line-and-field
 * errors), {@link #compile} builds each topology without a network (custom step classes, the mask salts from the
 * environment), {@link #checkColumns} follows every column a step names through the registered schemas.
 */
public final class UserSpecs {

    private UserSpecs() {
    }

    /** {@code paths} with each directory replaced by its spec files. */
    public static List<Path> files(List<Path> paths) {
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> entries = Files.list(path)) {
                    List<Path> specs = entries.filter(UserSpecs::isSpecFile).sorted().toList();
                    if (specs.isEmpty()) {
                        throw new InvalidSpecException("The directory " + path + " holds no *.yaml or *.yml spec;"
                                + " put your pipeline specs there or name a spec file.");
                    }
                    files.addAll(specs);
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot list " + path + " (" + e.getMessage()
                            + "); check its permissions.", e);
                }
            } else if (Files.isRegularFile(path)) {
                files.add(path);
            } else {
                throw new InvalidSpecException("There is no spec file or directory at " + path + "; check the path.");
            }
        }
        return files;
    }

    private static boolean isSpecFile(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml"));
    }

    /** One spec file, its errors naming the file as the user wrote its path. */
    public static PipelineSpec parse(Path file) {
        try {
            return PipelineSpecParser.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the pipeline spec " + file + " (" + e.getMessage()
                    + "); check the path and its permissions.", e);
        }
    }

    /**
     * Parses every spec under {@code paths}, in order. Pipeline names key application ids, state and side topics,
     * so two specs may not share one, nor take a name in {@code taken} (the replication pipeline's, the demo's).
     *
     * @throws dev.sluice.transforms.pipeline.spec.PipelineSpecException at the first bad spec (file, line, field)
     * @throws InvalidSpecException for a name taken twice
     */
    public static List<PipelineSpec> load(List<Path> paths, Set<String> taken) {
        List<PipelineSpec> specs = new ArrayList<>();
        Map<String, Path> names = new HashMap<>();
        for (Path file : files(paths)) {
            PipelineSpec spec = parse(file);
            if (taken.contains(spec.pipeline())) {
                throw new InvalidSpecException(file + ": the pipeline name '" + spec.pipeline() + "' is taken by a"
                        + " pipeline Sluice runs itself; rename the pipeline.");
            }
            Path first = names.putIfAbsent(spec.pipeline(), file);
            if (first != null) {
                throw new InvalidSpecException(file + ": pipeline '" + spec.pipeline() + "' is also named in " + first
                        + " (the name keys its application id, state and topics); rename one of them.");
            }
            specs.add(spec);
        }
        return specs;
    }

    /**
     * Compiles {@code spec} to its topology without touching Kafka: custom step classes load, each hashing mask
     * finds its salt through {@code env}.
     *
     * @throws InvalidSpecException naming the pipeline, the step and its line
     */
    public static void compile(PipelineSpec spec, Function<String, String> env) {
        try (GenericAvroSerde keys = new GenericAvroSerde(); GenericAvroSerde values = new GenericAvroSerde()) {
            PipelineTopology.build(spec, keys, values, new SimpleMeterRegistry(), env);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new InvalidSpecException("Pipeline " + spec.pipeline() + ": " + e.getMessage());
        }
    }

    /**
     * Checks every column a step of {@code spec} names against the latest registered value schema (subject
     * {@code <topic>-value}) of its input and joined topics ({@link ColumnCheck}).
     *
     * @return the topics that could not be checked: nothing registered for them yet
     * @throws InvalidSpecException naming the pipeline, step, line, field and the columns there are
     * @throws SchemaRegistryException when the registry cannot be asked
     */
    public static List<String> checkColumns(PipelineSpec spec, SchemaRegistryClient registry) {
        Set<String> unchecked = new LinkedHashSet<>();
        Function<String, Optional<Schema>> latest = topic -> {
            try {
                return Optional.of(registry.latest(topic + "-value").schema());
            } catch (SchemaRegistryException e) {
                if (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND
                        || e.errorCode() == SchemaRegistryException.VERSION_NOT_FOUND) {
                    unchecked.add(topic);
                    return Optional.empty();
                }
                throw e;
            }
        };
        try {
            ColumnCheck.check(spec, latest);
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException(e.getMessage());
        }
        if (spec.source().pattern() != null) {
            unchecked.add(spec.source().pattern().pattern());
        }
        return List.copyOf(unchecked);
    }

    /**
     * A regular expression matching every output topic of {@code specs} (and none of their side topics):
     * {@code ${schema}} and {@code ${table}} stand for one topic name part, {@code ${topic}} for a whole topic.
     * A sink connector subscribes with it ({@code topics.regex}).
     */
    public static String outputTopicsRegex(List<PipelineSpec> specs) {
        List<String> alternatives = new ArrayList<>();
        for (PipelineSpec spec : specs) {
            String template = spec.output().topicTemplate();
            StringBuilder regex = new StringBuilder();
            var placeholders = Pattern.compile("\\$\\{(schema|table|topic)}").matcher(template);
            int last = 0;
            while (placeholders.find()) {
                regex.append(Pattern.quote(template.substring(last, placeholders.start())).replace("\\Q\\E", ""));
                regex.append(placeholders.group(1).equals("topic") ? ".+" : "[^.]+");
                last = placeholders.end();
            }
            regex.append(Pattern.quote(template.substring(last)).replace("\\Q\\E", ""));
            alternatives.add(regex.toString());
        }
        return alternatives.size() == 1 ? alternatives.get(0) : "(" + String.join("|", alternatives) + ")";
    }
}
