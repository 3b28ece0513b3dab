package io.wscluster.eventloops;

import io.netty.util.NetUtil;
import java.math.BigInteger;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed certificate for development ({@code tls-self-signed}), made at start, that names
 * every address this listener is reached at: {@code localhost}, loopback, each address of this
 * host's interfaces, and the names the caller adds (an advertised host). A client that trusts it
 * (the CLI's {@code --ca-file}, a browser told to) then also checks the name, as it would in
 * production, whichever of them it connects to: a certificate for {@code localhost} alone fails
 * that check against {@code https://127.0.0.1:9080}, the operator address a node reports.
 *
 * @param certificate the certificate, its own issuer
 * @param key         its private key (EC P-256)
 */
public record DevelopmentCertificate(X509Certificate certificate, PrivateKey key) {
    /** Long enough for any development run; short enough that a copied file does not live on for years. */
    private static final Duration VALIDITY = Duration.ofDays(90);

    /**
     * @param extraNames host names or IP literals to name besides this host's own; wildcard addresses are left out
     * @throws IllegalStateException when the platform cannot make one
     */
    public static DevelopmentCertificate make(Collection<String> extraNames) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=localhost, O=wscluster development");
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, new SecureRandom()),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names(extraNames).toArray(GeneralName[]::new)));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            return new DevelopmentCertificate(cert, pair.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException("tls-self-signed: could not make a certificate: " + e.getMessage(), e);
        }
    }

    /** The certificate as PEM, what {@code --ca-file} and {@code curl --cacert} read. */
    public String pem() {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("the development certificate cannot be encoded", e);
        }
    }

    private static List<GeneralName> names(Collection<String> extraNames) {
        List<String> given = new ArrayList<>(List.of("localhost", "127.0.0.1", "::1"));
        given.addAll(interfaceAddresses());
        given.addAll(extraNames);
        Set<String> hosts = new LinkedHashSet<>();
        for (String name : given) {
            String bare = name == null ? "" : name.replaceAll("^\\[|]$", "");
            byte[] ip = NetUtil.createByteArrayFromIpAddressString(bare);
            // One spelling per address (::1 and 0:0:0:0:0:0:0:1 are one); no wildcard, which no client connects to.
            String host = ip == null ? bare : NetUtil.bytesToIpAddress(ip);
            if (!host.isEmpty() && !"0.0.0.0".equals(host) && !"::".equals(host)) {
                hosts.add(host);
            }
        }
        List<GeneralName> out = new ArrayList<>();
        for (String host : hosts) {
            out.add(NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host)
                    ? new GeneralName(GeneralName.iPAddress, host) : new GeneralName(GeneralName.dNSName, host));
        }
        return out;
    }

    /** This host's addresses but link-local ones (which a URL names with an interface scope). */
    private static List<String> interfaceAddresses() {
        try {
            return NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses)
                    .filter(a -> !a.isLinkLocalAddress()).map(a -> a.getHostAddress().replaceFirst("%.*$", "")).toList();
        } catch (SocketException e) {
            return List.of(); // no interfaces to ask: localhost and loopback only
        }
    }
}
