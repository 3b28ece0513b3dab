package io.wscluster.transport;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** An HTTP answer: status, content type, body and extra headers. */
public record HttpReply(int status, String contentType, byte[] body, Map<String, String> headers) {
    public static final String JSON = "application/json";

    public static HttpReply json(int status, String body) {
        return new HttpReply(status, JSON, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** An error in the shape of protocol.md: {@code {"error":{"code","message"}}} with the code's status. */
    public static HttpReply error(io.wscluster.protocol.ErrorCode code, String message) {
        return error(code.httpStatus(), code, message);
    }

    public static HttpReply error(int status, io.wscluster.protocol.ErrorCode code, String message) {
        var body = io.wscluster.codec.Encoding.JSON.mapper().createObjectNode();
        body.putObject("error").put("code", code.wireName()).put("message", message);
        return json(status, body.toString());
    }

    /** This answer telling the client when to try again ({@code Retry-After}, in seconds). */
    public HttpReply withRetryAfter(int seconds) {
        return withHeader("Retry-After", String.valueOf(seconds));
    }

    /** This answer with one more header. */
    public HttpReply withHeader(String name, String value) {
        Map<String, String> more = new java.util.LinkedHashMap<>(headers);
        more.put(name, value);
        return new HttpReply(status, contentType, body, Map.copyOf(more));
    }

    public static HttpReply text(int status, String body) {
        return new HttpReply(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8), Map.of());
    }
}
