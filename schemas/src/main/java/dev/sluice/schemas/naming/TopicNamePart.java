package dev.sluice.schemas.naming;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The reversible encoding of a source schema or table name into one dot-free part of a topic name
 * ({@code <prefix>.<schema>.<table>}); Kafka allows only {@code [a-zA-Z0-9._-]} in topic names.
 *
 * <ul>
 *   <li>A name made only of {@code [a-zA-Z0-9_]} is its own part: {@code orders}, {@code Order_Items}. Topics of
 *       ordinary tables keep the names they always had.</li>
 *   <li>Any other name is written as {@code -} followed by the name, where every character outside
 *       {@code [a-zA-Z0-9_]} becomes {@code -xx} per byte of its UTF-8 form ({@code xx} two lowercase hex digits):
 *       {@code order items} -> {@code -order-20items}, {@code my.table} -> {@code -my-2etable},
 *       {@code a-b} -> {@code -a-2db}, {@code café} -> {@code -caf-c3-a9}.</li>
 * </ul>
 * The leading {@code -} marks the encoded form, so a hand-written topic part such as {@code events-2024} is never
 * mistaken for one: {@link #decode} turns back only a part that is exactly what {@link #encode} gives for some
 * name (canonical), and returns any other part as it is. Encoded parts never hold a dot, so topic names still
 * split into prefix, schema and table at their dots.
 */
public final class TopicNamePart {
    private static final char MARK = '-';
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private TopicNamePart() {
    }

    /** The topic name part for {@code name} (a schema or table name as stored in the catalog). */
    public static String encode(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("An empty name has no topic name part.");
        }
        if (isPlain(name)) {
            return name;
        }
        StringBuilder out = new StringBuilder(name.length() * 2 + 1).append(MARK);
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (isPlainChar(c)) {
                out.append(c);
            } else {
                out.append(MARK).append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
            }
        }
        return out.toString();
    }

    /** The name {@code part} encodes, or {@code part} itself when it is not in the encoded form. */
    public static String decode(String part) {
        if (part.length() < 2 || part.charAt(0) != MARK) {
            return part;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(part.length());
        for (int i = 1; i < part.length(); i++) {
            char c = part.charAt(i);
            if (isPlainChar(c)) {
                bytes.write(c);
            } else if (c == MARK && i + 2 < part.length() && hex(part.charAt(i + 1)) >= 0 && hex(part.charAt(i + 2)) >= 0) {
                bytes.write(hex(part.charAt(i + 1)) * 16 + hex(part.charAt(i + 2)));
                i += 2;
            } else {
                return part;
            }
        }
        String name;
        try {
            name = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return part;
        }
        // only the canonical form decodes: "-abc" (a name that needs no encoding) or "-a-62" stay as they are
        return !name.isEmpty() && encode(name).equals(part) ? name : part;
    }

    private static boolean isPlain(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (!isPlainChar(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isPlainChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    }
}
