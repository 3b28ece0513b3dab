package io.wscluster.transport;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Session ids, issued by the server only: 128 random bits and a MAC of them and of the user they
 * were issued to, under a key every node of the cluster shares, in 32 URL-safe characters.
 * Unguessable, because an id (with its user, or anonymous for an anonymous session) is enough to
 * resume a session's rooms; and verifiable without a record, so that a node can tell an id of its
 * cluster from one a client made up, or took from another user, even where no record is kept
 * ({@code resume=false}) or the record has expired.
 */
public final class SessionIds {
    private static final int RANDOM_BYTES = 16;
    /** 64 bits of MAC: a forger has one guess per connection attempt, which the connection limits ration. */
    private static final int MAC_BYTES = 8;
    private static final int KEY_BYTES = 32;
    private static final String ALGORITHM = "HmacSHA256";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    /** (16 + 8) bytes in unpadded base64url. */
    static final int LENGTH = 32;

    private final SecretKeySpec key;

    /** @param key the cluster's key (see {@link #newKey()}): ids issued under another key are not this cluster's */
    public SessionIds(byte[] key) {
        if (key.length < KEY_BYTES) {
            throw new IllegalArgumentException("a session id key needs " + KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(key.clone(), ALGORITHM);
    }

    /** A fresh random key, for a cluster that has none yet. */
    public static byte[] newKey() {
        byte[] k = new byte[KEY_BYTES];
        RANDOM.nextBytes(k);
        return k;
    }

    /** A new id for a session of {@code userId} (null: anonymous). */
    String issue(String userId) {
        byte[] id = new byte[RANDOM_BYTES + MAC_BYTES];
        RANDOM.nextBytes(id);
        System.arraycopy(mac(id, userId), 0, id, RANDOM_BYTES, MAC_BYTES);
        return ENCODER.encodeToString(id);
    }

    /** Whether this cluster issued {@code id} to {@code userId} (null: anonymous); false for anything else. */
    boolean issuedTo(String id, String userId) {
        if (id == null || id.length() != LENGTH) {
            return false;
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(id);
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        byte[] expected = Arrays.copyOf(mac(bytes, userId), MAC_BYTES);
        return MessageDigest.isEqual(expected, Arrays.copyOfRange(bytes, RANDOM_BYTES, RANDOM_BYTES + MAC_BYTES));
    }

    private byte[] mac(byte[] id, String userId) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update(id, 0, RANDOM_BYTES);
            // A leading byte keeps an anonymous session apart from a user whose id is empty.
            mac.update(userId == null ? (byte) 0 : (byte) 1);
            if (userId != null) {
                mac.update(userId.getBytes(StandardCharsets.UTF_8));
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is part of every Java runtime", e);
        }
    }
}
