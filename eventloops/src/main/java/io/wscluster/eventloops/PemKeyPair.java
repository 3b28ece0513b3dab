package io.wscluster.eventloops;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * Whether a PEM private key belongs to a PEM certificate. The TLS library takes any key with any
 * certificate, and only the handshakes fail: a renewal that replaces the key file, then the
 * certificate file, caught between the two, would leave a listener refusing every new connection
 * until the next look at the files. A signature made with the key and verified with the
 * certificate's public key tells, whatever the algorithm (RSA, EC, EdDSA).
 */
final class PemKeyPair {
    private static final String CERT_BEGIN = "-----BEGIN CERTIFICATE-----";
    private static final String CERT_END = "-----END CERTIFICATE-----";
    private static final String KEY_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String KEY_END = "-----END PRIVATE KEY-----";
    private static final SecureRandom RANDOM = new SecureRandom();

    private PemKeyPair() {
    }

    /**
     * Whether the PKCS#8 key of {@code keyFile} is shown not to be that of the first certificate of
     * {@code certFile}. Files the TLS library read but this cannot (a key in another form it
     * accepts) are not second-guessed: false.
     */
    static boolean mismatched(Path certFile, Path keyFile) {
        try {
            String keyPem = Files.readString(keyFile, StandardCharsets.US_ASCII);
            String certPem = Files.readString(certFile, StandardCharsets.US_ASCII);
            String keyBlock = block(keyPem, KEY_BEGIN, KEY_END);
            String certBlock = block(certPem, CERT_BEGIN, CERT_END);
            if (keyBlock == null || certBlock == null) {
                return false;
            }
            PublicKey certKey = CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(certBlock.getBytes(StandardCharsets.US_ASCII))).getPublicKey();
            byte[] der = Base64.getMimeDecoder().decode(keyBlock.substring(KEY_BEGIN.length(), keyBlock.length() - KEY_END.length()));
            PrivateKey key;
            try {
                key = KeyFactory.getInstance(certKey.getAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException e) {
                return true; // a key of another algorithm than the certificate's
            }
            String algorithm = switch (key.getAlgorithm()) {
                case "RSA" -> "SHA256withRSA";
                case "EC" -> "SHA256withECDSA";
                default -> key.getAlgorithm(); // EdDSA keys name their signature
            };
            byte[] probe = new byte[32];
            RANDOM.nextBytes(probe);
            Signature sign = Signature.getInstance(algorithm);
            sign.initSign(key);
            sign.update(probe);
            Signature verify = Signature.getInstance(algorithm);
            verify.initVerify(certKey);
            verify.update(probe);
            return !verify.verify(sign.sign());
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The first {@code begin}...{@code end} block of {@code pem}, both lines included; null when there is none. */
    private static String block(String pem, String begin, String end) {
        int from = pem.indexOf(begin);
        int to = from < 0 ? -1 : pem.indexOf(end, from);
        return to < 0 ? null : pem.substring(from, to + end.length());
    }
}
