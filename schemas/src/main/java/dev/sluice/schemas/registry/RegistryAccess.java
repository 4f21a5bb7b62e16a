package dev.sluice.schemas.registry;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Base64;
import java.util.Optional;

/**
 * How a client proves itself to a Schema Registry and which servers it trusts: HTTP basic auth from
 * {@code basic.auth.user.info} ({@code USER:PASSWORD}, as Confluent's client takes it) and a truststore for an
 * {@code https://} registry signed by a private CA. {@link #NONE}: no credentials, the JVM's default trust.
 * {@link #toString()} never shows the password.
 */
public record RegistryAccess(String userInfo, Path truststore, String truststorePassword, String truststoreType) {

    public static final RegistryAccess NONE = new RegistryAccess(null, null, null, null);

    public RegistryAccess {
        if (userInfo != null && userInfo.isBlank()) {
            userInfo = null;
        }
        if (userInfo != null && !userInfo.contains(":")) {
            throw new IllegalArgumentException(SchemaRegistryConfig.BASIC_AUTH_USER_INFO
                    + " must be USER:PASSWORD (the value has no ':'); write it as USER:PASSWORD.");
        }
    }

    /** The {@code Authorization} header value, when credentials are set. */
    Optional<String> authorization() {
        return Optional.ofNullable(userInfo)
                .map(u -> "Basic " + Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8)));
    }

    /** The TLS context trusting the truststore, when one is set. */
    Optional<SSLContext> sslContext() {
        if (truststore == null) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(truststore)) {
            KeyStore store = KeyStore.getInstance(truststoreType == null ? KeyStore.getDefaultType() : truststoreType);
            store.load(in, truststorePassword == null ? null : truststorePassword.toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return Optional.of(context);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("The Schema Registry truststore " + truststore + " cannot be read ("
                    + e.getMessage() + "); check " + SchemaRegistryConfig.SSL_TRUSTSTORE_LOCATION + " and its password.", e);
        }
    }

    @Override
    public String toString() {
        return "RegistryAccess{user=" + (userInfo == null ? null : userInfo.substring(0, userInfo.indexOf(':')))
                + ", truststore=" + truststore + "}";
    }
}
