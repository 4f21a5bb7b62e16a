package dev.sluice.cli.dlq;

import dev.sluice.cli.config.ConfigFileOption;
import dev.sluice.cli.config.Section;
import dev.sluice.cli.config.ServiceConfig;
import dev.sluice.cli.service.KafkaOptions;
import dev.sluice.schemas.kafka.RecordSizeLimit;
import java.util.Map;
import picocli.CommandLine.Mixin;

/** Where the dlq commands find Kafka: the same flags, SLUICE_KAFKA_* variables and --config file as the services. */
final class DlqKafka {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    ConfigFileOption config;

    /** Every Kafka client setting, bootstrap.servers included. */
    Map<String, String> settings() {
        return load().kafka();
    }

    /** {@code kafka.max.record.bytes}: a replayed dead letter may be as large as the row it holds. */
    RecordSizeLimit recordSizeLimit() {
        return load().recordSizeLimit();
    }

    private ServiceConfig load() {
        return kafka.addTo(new ConfigFileOption.Flags()).load(config.file, Section.KAFKA);
    }
}
