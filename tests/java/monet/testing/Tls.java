package monet.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Trust in a test's own self-signed certificate, as a browser trusts a real one. */
public final class Tls {
    /** The password of the trust stores {@link #trustStore} writes. */
    public static final String STORE_PASSWORD = "monet-tests";

    private Tls() {}

    /** A TLS context that trusts the certificate in a PEM file (and nothing else). */
    public static SSLContext trusting(Path pem) {
        try {
            TrustManagerFactory managers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            managers.init(store(pem));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, managers.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust " + pem + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a PKCS12 trust store with the certificate in a PEM file, for another JVM
     * ({@code -Djavax.net.ssl.trustStore=FILE -Djavax.net.ssl.trustStorePassword=}{@value #STORE_PASSWORD}).
     */
    public static Path trustStore(Path pem, Path file) {
        try (OutputStream out = Files.newOutputStream(file)) {
            store(pem).store(out, STORE_PASSWORD.toCharArray());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot write a trust store for " + pem + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore store(Path pem) throws GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(pem)) {
            store.load(null, null);
            store.setCertificateEntry("test", CertificateFactory.getInstance("X.509").generateCertificate(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pem, e);
        }
        return store;
    }
}
