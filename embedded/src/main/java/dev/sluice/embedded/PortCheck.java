package dev.sluice.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Fails early, with the option that fixes it, when a fixed port is already taken. */
public final class PortCheck {

    private PortCheck() {
    }

    /**
     * @param what   the service that wants the port, e.g. "Kafka"
     * @param option the command-line option that chooses another port
     */
    public static void requireFree(int port, String what, String option) {
        if (port == 0) {
            return;
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new PortInUseException(what + " cannot listen on port " + port
                    + " because it is already in use; stop what uses it or pass " + option + " with another port.");
        }
    }

    /** A free port chosen by the operating system. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port on loopback", e);
        }
    }

    /** The port a service wanted is taken. */
    public static final class PortInUseException extends IllegalStateException {
        public PortInUseException(String message) {
            super(message);
        }
    }
}
