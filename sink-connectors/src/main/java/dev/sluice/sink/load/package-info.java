/**
 * Load runs of the sink, outside the connector itself: a reproducible change load with the warehouse state it must
 * leave ({@link dev.sluice.sink.load.ChangeLoad}), a producer of Avro row-topic records, the connector config the cli
 * gives the sink, a warehouse reader and a CPU clock. Used by {@code sluice bench --sink} and by this module's
 * integration tests; the connector never loads these classes.
 */
package dev.sluice.sink.load;
