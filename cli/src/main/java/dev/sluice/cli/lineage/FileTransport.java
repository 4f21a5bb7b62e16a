package dev.sluice.cli.lineage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends each event as one line of JSON (OpenLineage's file transport format), flushed per event so a crash loses
 * none that were sent; several processes may append to one file (each line is written with one append).
 */
public final class FileTransport implements LineageTransport {

    private static final Logger LOG = LoggerFactory.getLogger(FileTransport.class);

    private final Path file;

    public FileTransport(Path file) {
        this.file = file;
    }

    @Override
    public synchronized void send(ObjectNode event) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.write(file, (Facets.JSON.writeValueAsString(event) + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            LOG.warn("OpenLineage event not written to {}: {}", file, e.getMessage());
        }
    }
}
