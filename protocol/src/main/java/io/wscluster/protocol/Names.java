package io.wscluster.protocol;

/** Validation of room names, user ids and session ids as the wire contract defines them. */
public final class Names {
    /** Longest room name the contract allows. */
    public static final int MAX_ROOM_LENGTH = 200;
    /** Longest user id or session id we accept. */
    public static final int MAX_ID_LENGTH = 200;

    private Names() {
    }

    /** A room name is 1 to 200 characters of letters, digits and {@code _ - . : @ /}. */
    public static boolean isValidRoom(String room) {
        return isToken(room, MAX_ROOM_LENGTH, true);
    }

    /** Throws {@code bad_request} naming the problem unless {@code room} is a valid room name. */
    public static String requireRoom(String room) {
        if (room == null) {
            throw ProtocolException.badRequest("missing field 'room'");
        }
        if (room.isEmpty()) {
            throw ProtocolException.badRequest("room name must not be empty");
        }
        if (room.length() > MAX_ROOM_LENGTH) {
            throw ProtocolException.badRequest("room name is longer than " + MAX_ROOM_LENGTH + " characters");
        }
        if (!isValidRoom(room)) {
            // The name itself is not echoed: it may carry control characters into clients' logs.
            throw ProtocolException.badRequest("room name may hold only letters, digits and _ - . : @ / (character "
                    + (firstInvalid(room) + 1) + " is " + visible(room.charAt(firstInvalid(room))) + ")");
        }
        return room;
    }

    /** A session id a client may ask to keep: 1 to 64 letters, digits, {@code _} or {@code -}. */
    public static boolean isValidSessionId(String id) {
        return isToken(id, 64, false);
    }

    /** Longest idempotency key a publish may carry. */
    public static final int MAX_IDEMPOTENCY_KEY = 128;

    /** An idempotency key is 1 to {@value #MAX_IDEMPOTENCY_KEY} printable ASCII characters (a UUID, say). */
    public static boolean isIdempotencyKey(String key) {
        if (key == null || key.isEmpty() || key.length() > MAX_IDEMPOTENCY_KEY) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return false;
            }
        }
        return true;
    }

    /** Throws {@code bad_request} unless {@code user} is a non-empty user id of at most 200 characters. */
    public static String requireUser(String user) {
        if (user == null) {
            throw ProtocolException.badRequest("missing field 'user'");
        }
        if (user.isEmpty() || user.length() > MAX_ID_LENGTH) {
            throw ProtocolException.badRequest("user must be 1 to " + MAX_ID_LENGTH + " characters");
        }
        return user;
    }

    private static int firstInvalid(String room) {
        for (int i = 0; i < room.length(); i++) {
            if (!isValidRoom(String.valueOf(room.charAt(i)))) {
                return i;
            }
        }
        return 0;
    }

    /** A character as a reader can see it: itself when printable ASCII, else its code. */
    private static String visible(char c) {
        return c > ' ' && c < 127 ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    private static boolean isToken(String s, int maxLength, boolean roomPunctuation) {
        if (s == null || s.isEmpty() || s.length() > maxLength) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-'
                    || (roomPunctuation && (c == '.' || c == ':' || c == '@' || c == '/'));
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
