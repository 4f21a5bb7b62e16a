package dev.sluice.cli.secret;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one check every command runs on a source or warehouse URL before it starts anything: a URL is printed in
 * banners, messages and logs and shown by Connect's REST API, so a password in it ({@code USER:PASSWORD@} or a
 * {@code password}/{@code sslpassword} parameter) is refused with the setting to use instead. The refusal never
 * repeats the URL, which would repeat the password.
 */
public final class PasswordInUrl {

    /** The part of a PostgreSQL URL before the path: {@code //USER[:PASSWORD]@HOST[:PORT][,HOST...]}. */
    private static final Pattern AUTHORITY = Pattern.compile("^(?:jdbc:)?postgres(?:ql)?://([^/?#]*)");
    private static final Pattern PARAMETER = Pattern.compile("[?&;]([^=&;#]*)=");

    private PasswordInUrl() {
    }

    /** What holds a password in {@code url} ("USER:PASSWORD@" or "a password parameter"), or null when nothing does. */
    public static String where(String url) {
        if (url == null) {
            return null;
        }
        String text = url.trim();
        Matcher authority = AUTHORITY.matcher(text.toLowerCase(Locale.ROOT));
        if (authority.find()) {
            String hosts = authority.group(1);
            int at = hosts.lastIndexOf('@');
            if (at >= 0 && hosts.substring(0, at).contains(":")) {
                return "USER:PASSWORD@";
            }
        }
        Matcher parameter = PARAMETER.matcher(text);
        while (parameter.find()) {
            String name = parameter.group(1).trim().toLowerCase(Locale.ROOT);
            if (name.equals("password") || name.equals("sslpassword")) {
                return "a " + name + "= parameter";
            }
        }
        return null;
    }

    /**
     * Throws when {@code url} holds a password.
     *
     * @param what        where the URL came from, e.g. {@code --source-url} or {@code local.warehouse in sluice.yaml}
     * @param alternative where the password goes instead, e.g. {@code local.source.password (...) or PGPASSWORD}
     */
    public static void refuse(String what, String url, String alternative) {
        String where = where(url);
        if (where != null) {
            throw new IllegalArgumentException(sentence(what, where, alternative));
        }
    }

    /**
     * {@code text} with the password of every URL in it blanked ({@code user:***@}, {@code password=***}): for
     * messages Sluice does not write itself (picocli's, a driver's), which may quote what the user typed.
     */
    public static String blank(String text) {
        return text == null ? null : text
                .replaceAll("(?i)(postgres(?:ql)?://[^:/@\\s'\"]+:)[^@/\\s'\"]*@", "$1***@")
                .replaceAll("(?i)([?&;](?:ssl)?password=)[^&;\\s'\"]*", "$1***");
    }

    /** The refusal: names the URL's origin and the alternative, never the URL or the password. */
    public static String sentence(String what, String where, String alternative) {
        return what + " holds a password (" + where + "), which would be printed and logged with the URL; remove it"
                + " from the URL and give it as " + alternative + ".";
    }
}
