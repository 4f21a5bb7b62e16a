package dev.sluice.cli.live;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The page's server-sent events: each open page holds one response that is never finished, written by the page's
 * own thread once a second. The request's handler returns at once, so open pages hold none of the HTTP threads and
 * probes, scrapes and queries stay answered however many pages are open.
 */
final class EventStream {

    /** Open pages beyond this are told to come back later: each costs a socket and a write per second. */
    static final int MAX_CLIENTS = 32;

    private final List<Client> clients = new CopyOnWriteArrayList<>();

    private record Client(HttpExchange exchange, OutputStream body) {
    }

    /** Starts an event stream on {@code exchange} with {@code first} as its first event; returns false when full. */
    boolean open(HttpExchange exchange, String first) throws IOException {
        if (clients.size() >= MAX_CLIENTS) {
            return false;
        }
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-cache");
        exchange.sendResponseHeaders(200, 0);
        Client client = new Client(exchange, exchange.getResponseBody());
        if (send(client, "retry: 2000\n\n" + event(first))) {
            clients.add(client);
        }
        return true;
    }

    /** Sends {@code json} to every open page; a page that went away is dropped. */
    void publish(String json) {
        String event = event(json);
        for (Client client : clients) {
            if (!send(client, event)) {
                clients.remove(client);
            }
        }
    }

    int size() {
        return clients.size();
    }

    void closeAll() {
        for (Client client : clients) {
            client.exchange().close();
        }
        clients.clear();
    }

    private static String event(String json) {
        return "event: snapshot\ndata: " + json + "\n\n"; // Jackson writes one line: no newline inside the data
    }

    private static boolean send(Client client, String text) {
        synchronized (client) {
            try {
                client.body().write(text.getBytes(StandardCharsets.UTF_8));
                client.body().flush();
                return true;
            } catch (IOException e) {
                client.exchange().close();
                return false;
            }
        }
    }
}
