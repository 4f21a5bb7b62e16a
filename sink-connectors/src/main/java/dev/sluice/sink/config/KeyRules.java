package dev.sluice.sink.config;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules that tie {@code pk.mode}, {@code pk.fields}, {@code insert.mode} and {@code delete.mode} together, checked
 * without a database or a record: one message per offending setting, each saying how to fix it. Whether
 * {@code pk.fields} names columns that exist is checked against an existing table by the connector's validate()
 * and against every record's key or value by the task.
 */
public final class KeyRules {
    private KeyRules() {
    }

    /** Setting name to the sentence saying what is wrong with it; empty when the combination is sound. */
    public static Map<String, String> problems(PkMode pkMode, List<String> pkFields, InsertMode insertMode, DeleteMode deleteMode) {
        Map<String, String> problems = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        for (String field : pkFields) {
            if (field.isBlank()) {
                problems.put(WarehouseSinkConfig.PK_FIELDS, "pk.fields has an empty entry; list column names separated by commas.");
            } else if (!seen.add(field)) {
                problems.put(WarehouseSinkConfig.PK_FIELDS, "pk.fields names column '" + field + "' twice; list each key column once.");
            }
        }
        switch (pkMode) {
            case RECORD_VALUE -> {
                if (pkFields.isEmpty()) {
                    problems.put(WarehouseSinkConfig.PK_FIELDS, "pk.mode=record_value needs pk.fields: name the value fields "
                            + "that form the primary key.");
                }
            }
            case NONE -> {
                if (!pkFields.isEmpty()) {
                    problems.put(WarehouseSinkConfig.PK_FIELDS, "pk.fields is set but pk.mode=none uses no key; clear pk.fields "
                            + "or set pk.mode=record_key.");
                }
                if (insertMode == InsertMode.UPSERT) {
                    problems.put(WarehouseSinkConfig.INSERT_MODE, "insert.mode=upsert needs a key but pk.mode=none has none; "
                            + "set insert.mode=insert (append) or pk.mode=record_key.");
                }
                if (deleteMode == DeleteMode.HARD) {
                    problems.put(WarehouseSinkConfig.DELETE_MODE, "delete.mode=hard needs a key to find the row to delete but "
                            + "pk.mode=none has none; set pk.mode=record_key (or record_value with pk.fields) or delete.mode=soft or none.");
                }
            }
            case RECORD_KEY -> {
                // the key's fields are only known per record: the task checks pk.fields against each record key
            }
        }
        return problems;
    }
}
