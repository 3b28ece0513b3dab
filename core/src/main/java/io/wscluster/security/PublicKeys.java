package io.wscluster.security;

import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Public keys from PEM text ({@code -----BEGIN PUBLIC KEY-----} blocks): RSA, or EC on P-256. */
public final class PublicKeys {
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\\s]+)-----END PUBLIC KEY-----");

    private PublicKeys() {
    }

    /** @throws IllegalArgumentException when the text holds no such key, or one that is neither */
    public static List<PublicKey> parsePem(String pem) {
        List<PublicKey> keys = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(1));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("a PEM block that is not base64");
            }
            keys.add(decode(der));
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no '-----BEGIN PUBLIC KEY-----' block (an RSA or EC public key in PEM)");
        }
        return keys;
    }

    private static PublicKey decode(byte[] der) {
        for (String type : new String[] {"RSA", "EC"}) {
            try {
                PublicKey key = KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
                if (key instanceof ECPublicKey ec && ec.getParams().getCurve().getField().getFieldSize() != 256) {
                    throw new IllegalArgumentException("an EC key on another curve than P-256 (ES256 only)");
                }
                return key;
            } catch (java.security.GeneralSecurityException e) {
                // try the next type
            }
        }
        throw new IllegalArgumentException("a public key that is neither RSA nor EC");
    }
}
